using Microsoft.EntityFrameworkCore;
using Todo.Api.Infrastructure;
using Todo.Domain.Persistence;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>The start-up shortcut may say "up to date" only when EF Core would find nothing pending.</summary>
public abstract class MigrationHistoryTests
{
    protected abstract DatabaseProvider Provider { get; }

    /// <summary>A context over an empty database of this class's own.</summary>
    protected abstract Task<TodoDbContext> CreateContextAsync();

    [DatabaseFact]
    public async Task A_fresh_database_is_not_up_to_date()
    {
        await using var db = await CreateContextAsync();

        Assert.False(await MigrationHistory.AllKnownAppliedAsync(db, Provider, CancellationToken.None));
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
    }

    [DatabaseFact]
    public async Task A_migrated_database_is_up_to_date_even_with_a_newer_build_s_migration_in_its_history()
    {
        await using var db = await CreateContextAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('99991231000000_FromANewerBuild', '10.0.0')""");

        Assert.True(await MigrationHistory.AllKnownAppliedAsync(db, Provider, CancellationToken.None));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [DatabaseFact]
    public async Task A_database_missing_one_migration_is_not_up_to_date()
    {
        await using var db = await CreateContextAsync();
        await db.Database.MigrateAsync();
        var last = db.Database.GetMigrations().Last();
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {last}""");

        Assert.False(await MigrationHistory.AllKnownAppliedAsync(db, Provider, CancellationToken.None));
        Assert.Equal([last], await db.Database.GetPendingMigrationsAsync());
    }
}

public sealed class MigrationHistoryTestsOnSqlite : MigrationHistoryTests, IDisposable
{
    private readonly TempSqliteDatabase _database = new();

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<TodoDbContext> CreateContextAsync() => Task.FromResult(_database.CreateContext());

    public void Dispose() => _database.Dispose();
}

public sealed class MigrationHistoryTestsOnPostgres : MigrationHistoryTests, IRunsOnPostgres, IAsyncLifetime
{
    private TempPostgresDatabase? _database;

    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public async Task InitializeAsync() => _database = await TempPostgresDatabase.CreateAsync();

    protected override Task<TodoDbContext> CreateContextAsync() => Task.FromResult(_database!.CreateContext());

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
