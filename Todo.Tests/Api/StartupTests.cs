using System.Net;
using Microsoft.Data.Sqlite;

namespace Todo.Tests.Api;

/// <summary>What the service insists on before it takes requests: a signing key outside Development, and its schema.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Startup_outside_development_without_a_signing_key_fails_naming_Jwt_SigningKey()
    {
        using var app = TodoApplication.Create("Production", new Dictionary<string, string?> { ["Jwt:SigningKey"] = null });

        var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var message = AllMessages(exception);
        Assert.Contains("Jwt:SigningKey", message, StringComparison.Ordinal);
        Assert.Contains("missing", message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Production", "too-short")]
    [InlineData("Production", "0123456789abcdef0123456789abcde")] // 31 bytes
    [InlineData("Staging", "   ")]
    [InlineData("Testing", "short")]
    public void Startup_outside_development_with_a_key_under_256_bits_fails_naming_Jwt_SigningKey(string environment, string key)
    {
        using var app = TodoApplication.Create(environment, new Dictionary<string, string?> { ["Jwt:SigningKey"] = key });

        var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Jwt:SigningKey", AllMessages(exception), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_in_production_with_a_256_bit_key_serves_signup_login_and_me()
    {
        const string key = "0123456789abcdef0123456789abcdef"; // 32 bytes
        using var app = TodoApplication.Create("Production", new Dictionary<string, string?> { ["Jwt:SigningKey"] = key });

        await AssertAccountsWorkAsync(app);
    }

    [Fact]
    public async Task Startup_in_development_needs_no_signing_key()
    {
        using var app = TodoApplication.Create("Development", new Dictionary<string, string?> { ["Jwt:SigningKey"] = null });

        await AssertAccountsWorkAsync(app);
    }

    [Fact]
    public async Task Startup_applies_the_migrations_to_a_fresh_database()
    {
        using var app = new TodoApplication();
        Assert.False(File.Exists(app.DatabasePath));

        using var client = app.CreateClient();

        var tables = await TablesAsync(app.DatabasePath);
        Assert.Contains("Users", tables);
        Assert.Contains("Todos", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
        Assert.True(await ScalarAsync<long>(app.DatabasePath, "SELECT COUNT(*) FROM __EFMigrationsHistory") > 0);
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Startup_with_MigrateOnStartup_false_leaves_a_fresh_database_unmigrated()
    {
        using var app = TodoApplication.Create("Testing", new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        using var client = app.CreateClient();

        var tables = await TablesAsync(app.DatabasePath);
        Assert.DoesNotContain("Users", tables);
        Assert.DoesNotContain("Todos", tables);
        Assert.DoesNotContain("__EFMigrationsHistory", tables);
        using var health = await client.GetAsync("/health");
        await Problems.AssertProblemAsync(health, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_second_start_over_an_existing_database_keeps_its_data()
    {
        using var first = new TodoApplication();
        var email = TodoApplication.NewEmail();
        var id = await first.SignUpAsync(email);
        using var second = TodoApplication.Create("Testing", new Dictionary<string, string?>
        {
            ["ConnectionStrings:Todo"] = $"Data Source={first.DatabasePath}",
        });

        using var client = second.CreateClientWithToken(await second.LogInAsync(email));
        using var me = await client.GetAsync("/auth/me");

        Assert.Equal(id, (await Json.ReadAsync(me, HttpStatusCode.OK)).GetProperty("id").GetInt32());
    }

    private static async Task AssertAccountsWorkAsync(TodoApplication app)
    {
        var email = TodoApplication.NewEmail();
        var id = await app.SignUpAsync(email);
        using var client = app.CreateClientWithToken(await app.LogInAsync(email));

        using var me = await client.GetAsync("/auth/me");

        Assert.Equal(id, (await Json.ReadAsync(me, HttpStatusCode.OK)).GetProperty("id").GetInt32());
    }

    private static string AllMessages(Exception exception)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            messages.Add(current.Message);
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is not null)
            {
                pending.Push(current.InnerException);
            }
        }

        return string.Join(Environment.NewLine, messages);
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
