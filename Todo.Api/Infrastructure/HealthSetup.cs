using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Todo.Domain.Persistence;
using Todo.Domain.Users;

namespace Todo.Api.Infrastructure;

public static class HealthSetup
{
    private const string DatabaseCheck = "database";
    private const string MigrationsCheck = "migrations";

    public static IServiceCollection AddDatabaseHealthCheck(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseCheck)
            .AddCheck<MigrationsHealthCheck>(MigrationsCheck);
        return services;
    }

    /// <summary>
    /// GET /health: 200 {"status":"Healthy"}, or a 503 problem when the database does not answer.
    /// GET /health/live: 200 while the process serves requests; runs no check, so it never touches the database.
    /// GET /health/ready: 200 when the database answers and no migration is pending, else a 503 problem.
    /// </summary>
    public static IEndpointRouteBuilder MapDatabaseHealthCheck(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/health", check => check.Name == DatabaseCheck, "The database did not answer.");
        Map(endpoints, "/health/live", _ => false, "The process is not serving.");
        Map(endpoints, "/health/ready", check => check.Name is DatabaseCheck or MigrationsCheck, "The database did not answer or migrations are pending.");
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string pattern, Func<HealthCheckRegistration, bool> predicate, string unhealthyDetail) =>
        endpoints.MapHealthChecks(pattern, new HealthCheckOptions
        {
            Predicate = predicate,
            AllowCachingResponses = false,
            ResponseWriter = (context, report) => WriteResponseAsync(context, report, unhealthyDetail),
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    private static async Task WriteResponseAsync(HttpContext context, HealthReport report, string unhealthyDetail)
    {
        if (report.Status == HealthStatus.Healthy)
        {
            await context.Response.WriteAsJsonAsync(HealthResponse.Healthy, ResponseJsonContext.Default.HealthResponse, cancellationToken: context.RequestAborted);
            return;
        }

        await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable.", unhealthyDetail);
    }
}

/// <summary>The body of a healthy probe, <c>{"status":"Healthy"}</c>; any other state is a 503 problem.</summary>
internal sealed record HealthResponse(string Status)
{
    public static readonly HealthResponse Healthy = new(nameof(HealthStatus.Healthy));
}

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
