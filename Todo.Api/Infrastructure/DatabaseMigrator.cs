using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Todo.Domain.Persistence;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Brings the schema up to date, safely when several instances start at once against one database: on PostgreSQL
/// under a session advisory lock (the first instance migrates, the others wait and then find nothing pending); SQLite
/// is one process per file (<see cref="SqliteFileClaim"/>), which migrates under EF Core's own lock. Used at start-up
/// and by the <c>migrate</c> command.
/// </summary>
public sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopeFactory,
    DatabaseTopology topology,
    MigrationState state,
    SqliteFileClaim sqliteFileClaim,
    ILogger<DatabaseMigrator> logger)
{
    /// <summary>The program's first argument that migrates and exits (a deployment step), like <c>invoke</c>.</summary>
    public const string CommandName = "migrate";

    // Any constant shared by every instance of this application; "TodoMigr" in ASCII.
    private const long PostgresLockKey = 0x546F646F4D696772;

    // How long an instance waits for another one's migrations before giving up its start.
    private const int PostgresLockTimeoutSeconds = 300;

    // EF Core's name (SqliteHistoryRepository.LockTableName, protected).
    private const string SqliteMigrationLockTable = "__EFMigrationsLock";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TodoDbContext>();

        if (topology.Provider == DatabaseProvider.Postgres)
        {
            await MigratePostgresAsync(db, cancellationToken);
            return;
        }

        ClaimSqliteFile(db);
        if (await MigrationHistory.AllKnownAppliedAsync(db, topology.Provider, cancellationToken))
        {
            MarkUpToDate();
        }
        else
        {
            await ReleaseStaleSqliteMigrationLockAsync(db, cancellationToken);
            await ApplyPendingAsync(db, cancellationToken);
        }
    }

    private void ClaimSqliteFile(TodoDbContext db)
    {
        var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        if (file.Mode != SqliteOpenMode.Memory && file.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            sqliteFileClaim.Claim(path);
        }
    }

    /// <summary>
    /// EF Core's SQLite migration lock is a row in a table, with no owner and no timeout: a process killed while
    /// migrating leaves it, and every later start would wait for it forever. This process holds the file's claim,
    /// so no other one can be migrating: a row there now is such a leftover.
    /// </summary>
    private async Task ReleaseStaleSqliteMigrationLockAsync(TodoDbContext db, CancellationToken cancellationToken)
    {
        // Plain ADO.NET: on a fresh file the table does not exist, and EF Core would log that failure as an error.
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{SqliteMigrationLockTable}'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return;
            }

            command.CommandText = $"DELETE FROM \"{SqliteMigrationLockTable}\"";
            if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                LogStaleLockReleased(logger);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // A method of its own: its state machine holds Npgsql's types, and loading it would load Npgsql on SQLite too.
    private async Task MigratePostgresAsync(TodoDbContext db, CancellationToken cancellationToken)
    {
        await EnsurePostgresDatabaseAsync(db, cancellationToken);

        // Instances that find nothing to do need not queue for the lock one by one.
        if (await MigrationHistory.AllKnownAppliedAsync(db, topology.Provider, cancellationToken))
        {
            MarkUpToDate();
            return;
        }

        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        try
        {
            // Npgsql learns whether the history table exists by querying it and logs the failure as an error;
            // creating it first (the provider's own script, under the lock) keeps a first start's log clean.
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
            await ApplyPendingAsync(db, cancellationToken);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresLockKey})", connection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    /// <summary>The <c>migrate</c> command: no host runs to log a failure, so this logs it, cause and trace.</summary>
    public async Task RunCommandAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception);
            throw;
        }
    }

    private void MarkUpToDate()
    {
        LogUpToDate(logger);
        state.MarkAllApplied();
    }

    /// <summary>Per-database settings that belong to the file rather than a connection: SQLite's write-ahead log.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (topology.Provider == DatabaseProvider.Sqlite)
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TodoDbContext>();
            ClaimSqliteFile(db); // also when the start-up migration is off
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Creates the database when it is missing. Instances starting at once race here, before any lock can be taken
    /// in a database that does not exist yet: the losers' <c>CREATE DATABASE</c> fails as a duplicate, which is
    /// success. Plain Npgsql rather than EF Core's creator, which logs that failure as an error on every rollout.
    /// </summary>
    private static async Task EnsurePostgresDatabaseAsync(TodoDbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }

        var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var name = target.Database ?? target.Username; // Npgsql's own default for a connection string without one
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name?.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it first (at the same instant PostgreSQL can also say so as a unique violation
            // of its catalog).
        }
    }

    private async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PostgresLockKey})", connection);
        if (await tryLock.ExecuteScalarAsync(cancellationToken) is true)
        {
            return;
        }

        LogWaitingForLock(logger);
        await using var waitForLock = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresLockKey})", connection)
        {
            CommandTimeout = PostgresLockTimeoutSeconds,
        };
        await waitForLock.ExecuteScalarAsync(cancellationToken);
    }

    private async Task ApplyPendingAsync(TodoDbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            MarkUpToDate();
            return;
        }

        // One string: a JSON log line writes a collection state value as its type name.
        if (logger.IsEnabled(LogLevel.Information))
        {
            var names = string.Join(", ", pending);
            LogApplying(logger, pending.Count, names);
        }

        await db.Database.MigrateAsync(cancellationToken);
        state.MarkAllApplied();
        LogApplied(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} pending migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrations applied")]
    private static partial void LogApplied(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Database migration failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released the SQLite migration lock a process stopped while migrating had left")]
    private static partial void LogStaleLockReleased(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance is migrating the database; waiting for it")]
    private static partial void LogWaitingForLock(ILogger logger);
}

/// <summary>
/// Runs the migrations once, at start-up, before the server accepts requests (hosted services start before the
/// server), unless <c>Database:MigrateOnStartup</c> is false because a deployment step runs <c>migrate</c>.
/// </summary>
public sealed partial class DatabaseMigrationService(
    DatabaseMigrator migrator,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        else
        {
            LogSkipped(logger);
        }

        await migrator.PrepareAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database:MigrateOnStartup is false; migrations not applied")]
    private static partial void LogSkipped(ILogger logger);
}

/// <summary>
/// Whether this process has seen the schema fully migrated. Once true it stays true: a running process never
/// un-applies a migration, so the readiness probe can stop asking after the first yes (a schema broken under it
/// still fails the probe through the database check).
/// </summary>
public sealed class MigrationState
{
    private volatile bool _allApplied;

    public bool AllApplied => _allApplied;

    public void MarkAllApplied() => _allApplied = true;
}
