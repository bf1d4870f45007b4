using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Todo.Tests.Kestrel;

/// <summary>
/// The real program on Kestrel, killed with SIGKILL while clients are writing: after a restart every todo that was
/// acknowledged with 201 is there and the database file is intact.
/// </summary>
public sealed class KillUnderWriteLoadTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-kill-tests-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_a_kill_9_under_write_load()
    {
        var databasePath = Path.Combine(_directory.FullName, "todo.db");
        var acknowledged = new ConcurrentBag<int>();

        using (var server = await ApiProcess.StartAsync(databasePath))
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

        using (var restarted = await ApiProcess.StartAsync(databasePath))
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

        await using var connection = new SqliteConnection($"Data Source={databasePath}");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync());
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
