using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Todo.Domain.Persistence;
using Todo.Domain.Users;

namespace Todo.Api.Infrastructure;

/// <summary>Healthy when the database answers a real query against the schema, not merely when a file opens.</summary>
public sealed class DatabaseHealthCheck(TodoDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Plain SQL rather than a LINQ query: a cold start's first /health need not wait for EF Core to
            // compile one.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"""SELECT EXISTS (SELECT 1 FROM "{db.Model.FindEntityType(typeof(User))!.GetTableName()}")""";
                await command.ExecuteScalarAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database did not answer.", exception);
        }
    }
}
