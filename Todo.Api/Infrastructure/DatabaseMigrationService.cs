using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Todo.Domain.Persistence;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Brings the database schema up to date once, at start-up, before the server accepts requests
/// (hosted services start before the server), and switches SQLite to write-ahead logging so readers never
/// block the writer and a killed process loses no committed write.
/// </summary>
public sealed partial class DatabaseMigrationService(
    IServiceScopeFactory scopeFactory,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TodoDbContext>();

        if (options.Value.MigrateOnStartup)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count == 0)
            {
                LogUpToDate(logger);
            }
            else
            {
                LogApplying(logger, pending.Count, pending);
                await db.Database.MigrateAsync(cancellationToken);
                LogApplied(logger);
            }
        }
        else
        {
            LogSkipped(logger);
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} pending migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, IEnumerable<string> migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrations applied")]
    private static partial void LogApplied(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database:MigrateOnStartup is false; migrations not applied")]
    private static partial void LogSkipped(ILogger logger);
}
