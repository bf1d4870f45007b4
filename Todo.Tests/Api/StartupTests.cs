using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Todo.Api.Infrastructure;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>What the service insists on before it takes requests: a signing key outside Development, and its schema.</summary>
[Collection(nameof(StartupTests))]
public sealed class StartupTests
{
    // WebApplicationFactory cannot show this failure: Main catches it to print one plain sentence, and the factory
    // then meets a disposed host. So these start the real composition root (on the test server) themselves.
    [Fact]
    public async Task Startup_outside_development_without_a_signing_key_fails_naming_Jwt_SigningKey()
    {
        await using var app = CreateApplication("Production", signingKey: null);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Jwt:SigningKey", exception.Message, StringComparison.Ordinal);
        Assert.Contains("missing", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Production", "too-short")]
    [InlineData("Production", "0123456789abcdef0123456789abcde")] // 31 bytes
    [InlineData("Staging", "   ")]
    [InlineData("Testing", "short")]
    public async Task Startup_outside_development_with_a_key_under_256_bits_fails_naming_Jwt_SigningKey(string environment, string key)
    {
        await using var app = CreateApplication(environment, key);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Jwt:SigningKey", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_outside_development_with_a_short_key_exits_1_and_says_why_on_stderr()
    {
        var database = Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db");
        using var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            var exitCode = await Program.Main(
            [
                "--environment=Production",
                "--urls=http://127.0.0.1:0",
                $"--ConnectionStrings:Todo=Data Source={database}",
                "--Jwt:SigningKey=short",
            ]).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1, exitCode);
        }
        finally
        {
            Console.SetError(original);
            SqliteConnection.ClearAllPools();
            File.Delete(database);
        }

        Assert.Contains("Jwt:SigningKey", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--Database:Provider=Oracle" }, "Database:Provider must be Sqlite or Postgres, not 'Oracle'.")]
    [InlineData(new[] { "--Database:Provider=1" }, "Database:Provider must be Sqlite or Postgres, not '1'.")]
    [InlineData(new[] { "--Database:Provider=Postgres" }, "ConnectionStrings:Todo is required when Database:Provider is Postgres.")]
    [InlineData(new[] { "--Database:Provider=postgres", "--ConnectionStrings:Todo=Host=db;Password=hunter2;Bogus Key=1" }, "ConnectionStrings:Todo is not a valid PostgreSQL connection string.")]
    public async Task Main_with_an_unusable_database_setting_exits_1_with_one_line_naming_the_setting(string[] settings, string expected)
    {
        var (exitCode, stderr) = await RunMainAsync(["--environment=Production", "--urls=http://127.0.0.1:0", $"--Jwt:SigningKey={new string('k', 32)}", .. settings]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"Todo API cannot start: {expected}", line);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_on_a_port_already_in_use_exits_1_with_one_line_naming_the_address()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";
        var database = Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db");
        try
        {
            var (exitCode, stderr) = await RunMainAsync(
                ["--environment=Production", $"--urls={address}", $"--ConnectionStrings:Todo=Data Source={database}", $"--Jwt:SigningKey={new string('k', 32)}"]);

            Assert.Equal(1, exitCode);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Equal($"Todo API cannot start: Failed to bind to address {address}: address already in use.", line);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }

    [Fact]
    public async Task The_migrate_command_on_an_unreachable_server_exits_1_saying_why_in_one_line()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (exitCode, stderr) = await RunMainAsync(
            ["migrate", "--environment=Production", "--Database:Provider=Postgres", $"--ConnectionStrings:Todo=Host=127.0.0.1;Port={port};Username=todo;Password=hunter2;Database=todo;Timeout=5"]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Todo API cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains($"Failed to connect to 127.0.0.1:{port}.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_migrate_command_migrates_a_fresh_database_and_exits_0_without_serving()
    {
        var database = Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db");
        try
        {
            var (exitCode, _) = await RunMainAsync(["migrate", "--environment=Production", $"--ConnectionStrings:Todo=Data Source={database}"]);
            var (again, _) = await RunMainAsync(["migrate", "--environment=Production", $"--ConnectionStrings:Todo=Data Source={database}"]);

            Assert.Equal(0, exitCode);
            Assert.Equal(0, again);
            Assert.Contains("Users", await TablesAsync(database));
            using var reference = new TempSqliteDatabase();
            await using var db = reference.CreateContext();
            Assert.Equal(db.Database.GetMigrations().Count(), await ScalarAsync<long>(database, "SELECT COUNT(*) FROM __EFMigrationsHistory"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }

    [Fact]
    public async Task Startup_in_production_with_a_256_bit_key_serves_signup_login_and_me()
    {
        const string key = "0123456789abcdef0123456789abcdef"; // 32 bytes
        using var app = TodoApplication.Create(DatabaseProvider.Sqlite, "Production", new Dictionary<string, string?> { ["Jwt:SigningKey"] = key });

        await AssertAccountsWorkAsync(app);
    }

    [Fact]
    public async Task Startup_in_development_needs_no_signing_key()
    {
        using var app = TodoApplication.Create(DatabaseProvider.Sqlite, "Development", new Dictionary<string, string?> { ["Jwt:SigningKey"] = null });

        await AssertAccountsWorkAsync(app);
    }

    [Fact]
    public async Task Startup_applies_the_migrations_to_a_fresh_database()
    {
        using var app = TodoApplication.Create(DatabaseProvider.Sqlite);
        Assert.False(File.Exists(app.DatabaseName));

        using var client = app.CreateClient();

        var tables = await TablesAsync(app.DatabaseName);
        Assert.Contains("Users", tables);
        Assert.Contains("Todos", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
        Assert.True(await ScalarAsync<long>(app.DatabaseName, "SELECT COUNT(*) FROM __EFMigrationsHistory") > 0);
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Startup_with_MigrateOnStartup_false_leaves_a_fresh_database_unmigrated()
    {
        using var app = TodoApplication.Create(DatabaseProvider.Sqlite, "Testing", new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        using var client = app.CreateClient();

        var tables = await TablesAsync(app.DatabaseName);
        Assert.DoesNotContain("Users", tables);
        Assert.DoesNotContain("Todos", tables);
        Assert.DoesNotContain("__EFMigrationsHistory", tables);
        using var health = await client.GetAsync("/health");
        await Problems.AssertProblemAsync(health, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_second_start_over_an_existing_database_keeps_its_data()
    {
        using var database = new TempSqliteDatabase();
        var onTheFile = new Dictionary<string, string?> { ["ConnectionStrings:Todo"] = $"Data Source={database.Path}" };
        var email = TodoApplication.NewEmail();
        int id;
        using (var first = TodoApplication.Create(DatabaseProvider.Sqlite, "Testing", onTheFile))
        {
            id = await first.SignUpAsync(email);
        }

        // One process per file: the first stops (and gives up its claim) before the second starts.
        using var second = TodoApplication.Create(DatabaseProvider.Sqlite, "Testing", onTheFile);

        using var client = second.CreateClientWithToken(await second.LogInAsync(email));
        using var me = await client.GetAsync("/auth/me");

        Assert.Equal(id, (await Json.ReadAsync(me, HttpStatusCode.OK)).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Startup_loads_no_Data_Protection_key_ring()
    {
        await using var app = CreateApplication("Production", "0123456789abcdef0123456789abcdef");
        var keyRingWarmUp = typeof(DataProtectionOptions).Assembly.GetType("Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService");

        // Else ASP.NET Core renamed it, and AuthSetup no longer finds it.
        Assert.NotNull(keyRingWarmUp);
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), service => service.GetType() == keyRingWarmUp);
    }

    private static async Task AssertAccountsWorkAsync(TodoApplication app)
    {
        var email = TodoApplication.NewEmail();
        var id = await app.SignUpAsync(email);
        using var client = app.CreateClientWithToken(await app.LogInAsync(email));

        using var me = await client.GetAsync("/auth/me");

        Assert.Equal(id, (await Json.ReadAsync(me, HttpStatusCode.OK)).GetProperty("id").GetInt32());
    }

    private static WebApplication CreateApplication(string environment, string? signingKey)
    {
        var args = new List<string>
        {
            $"--environment={environment}",
            $"--ConnectionStrings:Todo=Data Source={Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db")}",
            "--Database:MigrateOnStartup=false",
        };
        if (signingKey is not null)
        {
            args.Add($"--Jwt:SigningKey={signingKey}");
        }

        return Program.CreateApplication([.. args], builder => builder.WebHost.UseTestServer());
    }

    /// <summary>Runs the real Main with stderr captured; the collection keeps other tests off the console meanwhile.</summary>
    private static async Task<(int ExitCode, string Stderr)> RunMainAsync(string[] args)
    {
        using var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            var exitCode = await Program.Main(args).WaitAsync(TimeSpan.FromSeconds(60));
            return (exitCode, stderr.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static async Task<List<string>> TablesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<T> ScalarAsync<T>(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
