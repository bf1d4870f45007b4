using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Lambda.Support;
using Todo.Tests.Support;

namespace Todo.Tests.Kestrel;

/// <summary>
/// Two real processes of the Release build (the published package, run on Kestrel) in Production on one PostgreSQL
/// database: one set of accounts, todos, login failures and sessions, whichever instance a request reaches.
/// </summary>
[Collection(nameof(PublishedPackage))]
public sealed class MultiInstanceTests(PublishedPackageFixture package) : IRunsOnPostgres, IDisposable
{
    private const string Password = "correct horse battery";
    private readonly string _database = PostgresServer.NewDatabaseName();

    public void Dispose() => PostgresServer.DropDatabase(_database);

    [DatabaseFact]
    public async Task Two_instances_on_one_database_share_accounts_todos_concurrent_writes_the_login_throttle_and_sessions()
    {
        // Both start at once against a database that does not exist yet: one creates and migrates it, the other waits.
        var connectionString = PostgresServer.ConnectionStringFor(_database);
        var servers = await Task.WhenAll(
            ApiProcess.StartOnPostgresAsync(connectionString, package.PublishDirectory),
            ApiProcess.StartOnPostgresAsync(connectionString, package.PublishDirectory));
        using var firstServer = servers[0];
        using var secondServer = servers[1];
        Assert.DoesNotContain(servers.SelectMany(server => server.Output), line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal));
        using var first = new HttpClient { BaseAddress = firstServer.BaseAddress };
        using var second = new HttpClient { BaseAddress = secondServer.BaseAddress };

        // Signup on the first, login and CRUD on the second, each change seen by the first.
        var email = $"shared-{Guid.NewGuid():N}@example.com";
        using (var signup = await first.PostAsJsonAsync("/auth/signup", new { email, password = Password }))
        {
            Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        }

        var token = await LogInAsync(second, email);
        first.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        second.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var id = await CreateAsync(second, "made on the second");
        Assert.Equal("made on the second", (await GetAsync(first, id)).GetProperty("title").GetString());
        using (var patch = await first.PatchAsJsonAsync($"/todos/{id}", new { completed = true }))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        Assert.True((await GetAsync(second, id)).GetProperty("completed").GetBoolean());
        using (var delete = await second.DeleteAsync(new Uri($"/todos/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var gone = await first.GetAsync(new Uri($"/todos/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // 16 writers, half on each instance: every acknowledged write is there, seen from either.
        var acknowledged = new ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            var client = writer % 2 == 0 ? first : second;
            for (var i = 0; i < 25; i++)
            {
                acknowledged.Add(await CreateAsync(client, $"writer {writer} todo {i}"));
            }
        })));

        Assert.Equal(400, acknowledged.Distinct().Count());
        Assert.Equal([.. acknowledged.Order()], await ListIdsAsync(first));
        Assert.Equal([.. acknowledged.Order()], await ListIdsAsync(second));

        // Ten failures, five through each instance, lock the email on both: the count lives in the database.
        var target = $"throttled-{Guid.NewGuid():N}@example.com";
        using (var signup = await second.PostAsJsonAsync("/auth/signup", new { email = target, password = Password }))
        {
            Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        }

        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var failure = await (attempt % 2 == 0 ? first : second).PostAsJsonAsync("/auth/login", new { email = target, password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        foreach (var client in new[] { first, second })
        {
            using var locked = await client.PostAsJsonAsync("/auth/login", new { email = target, password = Password });
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.NotNull(locked.Headers.RetryAfter);
        }

        // Sessions live in the database: a token refreshed on one instance is spent on the other, whose reuse ends
        // the session everywhere; a logout on one instance is a 401 on the other from the next request.
        using (var login = await second.PostAsJsonAsync("/auth/login", new { email, password = Password }))
        {
            var refreshToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
            using var refreshed = await first.PostAsJsonAsync("/auth/refresh", new { refreshToken });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            var rotated = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
            using var reuse = await second.PostAsJsonAsync("/auth/refresh", new { refreshToken });
            Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
            using var afterReuse = await first.PostAsJsonAsync("/auth/refresh", new { refreshToken = rotated });
            Assert.Equal(HttpStatusCode.Unauthorized, afterReuse.StatusCode);
        }

        using (var logout = await second.PostAsync(new Uri("/auth/logout", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var refused = await first.GetAsync(new Uri("/todos", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    private static async Task<string> LogInAsync(HttpClient client, string email)
    {
        using var login = await client.PostAsJsonAsync("/auth/login", new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<int> CreateAsync(HttpClient client, string title)
    {
        using var response = await client.PostAsJsonAsync("/todos", new { title });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, int id)
    {
        using var response = await client.GetAsync(new Uri($"/todos/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<List<int>> ListIdsAsync(HttpClient client)
    {
        var ids = new List<int>();
        for (var page = 1; ; page++)
        {
            var list = await client.GetFromJsonAsync<JsonElement>(new Uri($"/todos?page={page}&pageSize=100", UriKind.Relative));
            var items = list.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt32()).ToList();
            ids.AddRange(items);
            if (items.Count < 100)
            {
                return ids;
            }
        }
    }
}
