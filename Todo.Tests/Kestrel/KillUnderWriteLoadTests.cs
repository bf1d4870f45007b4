using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Todo.Tests.Support;

namespace Todo.Tests.Kestrel;

/// <summary>
/// The real program on Kestrel, killed with SIGKILL while clients are writing: after a restart every todo that was
/// acknowledged with 201 is there and the database is intact. Once per provider.
/// </summary>
public abstract class KillUnderWriteLoadTests
{
    /// <summary>Starts the program on this class's database: the same database every time it is called.</summary>
    protected abstract Task<ApiProcess> StartServerAsync();

    protected virtual Task AssertDatabaseIntactAsync() => Task.CompletedTask;

    [DatabaseFact]
    public async Task Every_acknowledged_write_survives_a_kill_9_under_write_load()
    {
        var acknowledged = new ConcurrentBag<int>();

        using (var server = await StartServerAsync())
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", await SignUpAndLogInAsync(client));

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/todos", new { title = $"w{writer}-{i}" });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var todo = await response.Content.ReadFromJsonAsync<JsonElement>();
                            acknowledged.Add(todo.GetProperty("id").GetInt32());
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToList();

            while (acknowledged.Count < 200)
            {
                await Task.Delay(20);
            }

            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using (var restarted = await StartServerAsync())
        {
            using var client = new HttpClient { BaseAddress = restarted.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", await LogInAsync(client));

            var stored = new HashSet<int>();
            for (var page = 1; ; page++)
            {
                var list = await client.GetFromJsonAsync<JsonElement>($"/todos?page={page}&pageSize=100");
                var items = list.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt32()).ToList();
                stored.UnionWith(items);
                if (items.Count < 100)
                {
                    break;
                }
            }

            Assert.Empty(acknowledged.Except(stored));
        }

        await AssertDatabaseIntactAsync();
    }

    private static async Task<string> SignUpAndLogInAsync(HttpClient client)
    {
        using var signup = await client.PostAsJsonAsync("/auth/signup", new { email = "writer@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        return await LogInAsync(client);
    }

    private static async Task<string> LogInAsync(HttpClient client)
    {
        using var login = await client.PostAsJsonAsync("/auth/login", new { email = "writer@example.com", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}

public sealed class KillUnderWriteLoadTestsOnSqlite : KillUnderWriteLoadTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-kill-tests-");

    private string DatabasePath => Path.Combine(_directory.FullName, "todo.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    protected override Task<ApiProcess> StartServerAsync() => ApiProcess.StartAsync(DatabasePath);

    protected override async Task AssertDatabaseIntactAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync());
    }
}

/// <summary>The server keeps running; what is proven is that an acknowledged write was committed before its 201.</summary>
public sealed class KillUnderWriteLoadTestsOnPostgres : KillUnderWriteLoadTests, IRunsOnPostgres, IDisposable
{
    private readonly string _database = PostgresServer.NewDatabaseName();

    public void Dispose() => PostgresServer.DropDatabase(_database);

    protected override Task<ApiProcess> StartServerAsync() => ApiProcess.StartOnPostgresAsync(PostgresServer.ConnectionStringFor(_database));
}
