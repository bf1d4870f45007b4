using System.Net;
using Microsoft.Data.Sqlite;

namespace Todo.Tests.Kestrel;

/// <summary>SQLite is one process per file: real processes on one file, and a file a killed migration left locked.</summary>
public sealed class SqliteFileClaimTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("todo-api-claim-").FullName;

    private string Database => Path.Combine(_directory, "todo.db");

    [Fact]
    public async Task A_second_process_on_the_same_SQLite_file_exits_1_saying_the_file_is_in_use_and_the_first_serves_on()
    {
        using var first = await ApiProcess.StartAsync(Database);

        var (exitCode, output) = await ApiProcess.RunToExitAsync(new Dictionary<string, string> { ["ConnectionStrings__Todo"] = $"Data Source={Database}" });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output, text => text.StartsWith("Todo API cannot start: ", StringComparison.Ordinal));
        Assert.Contains($"The SQLite database {Database} is in use by another process", line, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_process_killed_by_SIGKILL_gives_up_its_claim_and_the_next_start_serves()
    {
        using (var killed = await ApiProcess.StartAsync(Database))
        {
            killed.Kill();
        }

        using var next = await ApiProcess.StartAsync(Database);
        using var client = new HttpClient { BaseAddress = next.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_migration_lock_a_process_killed_while_migrating_left_is_released_at_the_next_start()
    {
        // What EF Core leaves in a file when the process dies between taking its migration lock and releasing it.
        await using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-07 13:07:28.1234567+00:00');
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var server = await ApiProcess.StartAsync(Database);

        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Contains(server.Output, line => line.Contains("Released the SQLite migration lock", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
