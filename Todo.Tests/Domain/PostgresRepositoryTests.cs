using Microsoft.EntityFrameworkCore;
using Npgsql;
using Todo.Domain.Persistence;
using Todo.Domain.Todos;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>What only a server with concurrent writers shows: statements interleaving on the real PostgreSQL.</summary>
public sealed class PostgresRepositoryTests : IRunsOnPostgres
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    [DatabaseFact]
    public async Task A_todo_inserted_while_its_owners_deletion_commits_is_not_stored_and_no_statement_fails()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        int owner;
        await using (var setup = database.CreateContext())
        {
            await setup.Database.MigrateAsync();
            var user = new User("gone@example.com", "hash", Now);
            setup.Users.Add(user);
            await setup.SaveChangesAsync();
            owner = user.Id;
        }

        // The deletion holds its row lock, uncommitted, while the insert starts: the insert waits for it, and the
        // deletion commits while it waits. A check of the owner that only looks would see the owner and then fail
        // the foreign key.
        await using var deleter = new NpgsqlConnection(database.ConnectionString);
        await deleter.OpenAsync();
        await using var deletion = await deleter.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("""DELETE FROM "Users" WHERE "Id" = $1""", deleter, deletion) { Parameters = { new() { Value = owner } } })
        {
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var failures = new List<string>();
        await using var db = new TodoDbContext(new DbContextOptionsBuilder<TodoDbContext>()
            .UseNpgsql(database.ConnectionString)
            .LogTo(failures.Add, Microsoft.Extensions.Logging.LogLevel.Error)
            .Options);
        var insert = new TodoRepository(db).InsertAsync(new TodoItem(owner, "too late", completed: false, Now), CancellationToken.None);
        await WaitUntilBlockedAsync(database.ConnectionString);
        await deletion.CommitAsync();

        Assert.Null(await insert);
        Assert.Empty(failures);
        Assert.Equal(0, await db.Todos.CountAsync());
    }

    [DatabaseFact]
    public async Task A_statement_run_again_with_values_of_other_types_binds_each_as_it_is()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        await using var db = database.CreateContext();

        // PostgreSQL types a parameter by the mapping it was sent with: a statement kept with the first value's
        // mapping (integer) would fail on the text that follows.
        Assert.Equal<object>(
            [7, "seven", 7.5, DBNull.Value, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 8],
            await RepositoryTests.SelectEachAsync(db));
    }

    /// <summary>Until a statement of the database waits for a lock (the insert behind the deletion).</summary>
    private static async Task WaitUntilBlockedAsync(string connectionString)
    {
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
            if ((long)(await waiting.ExecuteScalarAsync(deadline.Token))! > 0)
            {
                return;
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
