using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Todo.Domain.Persistence;

namespace Todo.Api.Infrastructure;

/// <summary>Healthy when the database answers a real query against the schema, not merely when a file opens.</summary>
public sealed class DatabaseHealthCheck(TodoDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.Users.AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database did not answer.", exception);
        }
    }
}
