using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Todo.Api.Infrastructure;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Start-up on a PostgreSQL database that several instances share: migrations applied once, whoever starts first.</summary>
public sealed class PostgresStartupTests : IRunsOnPostgres
{
    [DatabaseFact]
    public async Task Four_instances_starting_at_once_on_one_empty_database_all_serve_and_apply_each_migration_once()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        var apps = Enumerable.Range(0, 4)
            .Select(_ => TodoApplication.Create(DatabaseProvider.Postgres, settings: new Dictionary<string, string?> { ["ConnectionStrings:Todo"] = database.ConnectionString }))
            .ToList();
        try
        {
            // Creating a client starts the host, and the host migrates before it serves.
            var clients = await Task.WhenAll(apps.Select(app => Task.Run(app.CreateClient)));

            foreach (var client in clients)
            {
                using var health = await client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                client.Dispose();
            }

            var email = TodoApplication.NewEmail();
            await apps[0].SignUpAsync(email);
            Assert.False(string.IsNullOrEmpty(await apps[3].LogInAsync(email)));
            Assert.Equal(ExpectedMigrations(database), await AppliedMigrationsAsync(database));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    [DatabaseFact]
    public async Task The_migrate_command_creates_and_migrates_a_missing_database_once_and_exits_0()
    {
        var name = PostgresServer.NewDatabaseName();
        var settings = new[] { "--environment=Production", "--Database:Provider=Postgres", $"--ConnectionStrings:Todo={PostgresServer.ConnectionStringFor(name)}" };
        try
        {
            Assert.Equal(0, await Program.Main(["migrate", .. settings]).WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, await Program.Main(["migrate", .. settings]).WaitAsync(TimeSpan.FromSeconds(60)));

            await using var created = new NpgsqlConnection(PostgresServer.ConnectionStringFor(name));
            await created.OpenAsync();
            await using var count = new NpgsqlCommand("""SELECT COUNT(*) FROM "__EFMigrationsHistory" """, created);
            await using var reference = await TempPostgresDatabase.CreateAsync();
            Assert.Equal((long)ExpectedMigrations(reference).Count, await count.ExecuteScalarAsync());
        }
        finally
        {
            PostgresServer.DropDatabase(name);
        }
    }

    private static List<string> ExpectedMigrations(TempPostgresDatabase database)
    {
        using var db = database.CreateContext();
        return [.. db.Database.GetMigrations()];
    }

    private static async Task<List<string>> AppliedMigrationsAsync(TempPostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId" """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var applied = new List<string>();
        while (await reader.ReadAsync())
        {
            applied.Add(reader.GetString(0));
        }

        return applied;
    }
}
