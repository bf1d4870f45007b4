using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Todo.Domain.Persistence;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Healthy when no migration is pending. Asks the database only until the answer is yes once (then
/// <see cref="MigrationState"/> remembers), so an instance started before a deployment step ran <c>migrate</c>
/// becomes ready by itself, and a ready instance's probe costs only the database check.
/// </summary>
public sealed class MigrationsHealthCheck(TodoDbContext db, MigrationState state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.AllApplied)
        {
            return HealthCheckResult.Healthy();
        }

        try
        {
            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                return HealthCheckResult.Unhealthy("Migrations are pending.");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database did not answer.", exception);
        }

        state.MarkAllApplied();
        return HealthCheckResult.Healthy();
    }
}
