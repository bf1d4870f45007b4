using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Todo.Tests.Support;

namespace Todo.Tests.Kestrel;

/// <summary>What only the real server shows: Kestrel's own body accounting and where the program finds its settings.</summary>
public sealed class KestrelHostingTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-kestrel-tests-");
    private ApiProcess? _api;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        // Started from a folder with no appsettings.json, as a service manager or a test harness might.
        _api = await ApiProcess.StartAsync(Path.Combine(_directory.FullName, "todo.db"), workingDirectory: _directory.FullName);
        _client = new HttpClient { BaseAddress = _api.BaseAddress };
        using var signup = await _client.PostAsJsonAsync("/auth/signup", new { email = "kestrel@example.com", password = "correct horse battery" });
        using var login = await _client.PostAsJsonAsync("/auth/login", new { email = "kestrel@example.com", password = "correct horse battery" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        _api?.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(65_536, 100, HttpStatusCode.Created)]
    [InlineData(65_536, 8_000, HttpStatusCode.Created)]
    [InlineData(65_537, 100, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(65_537, 65_537, HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_chunked_body_is_limited_by_its_own_bytes_not_by_the_chunk_framing(int bodyBytes, int chunkBytes, HttpStatusCode expected)
    {
        var body = JsonBodyOfExactly(bodyBytes);
        using var content = new ChunkedContent(body, "application/json", chunkBytes);

        using var response = await _client!.PostAsync("/todos", content);

        // A 65,536-byte title is far over 200 characters: accepted bodies are read and then fail validation.
        Assert.Equal(expected == HttpStatusCode.Created ? HttpStatusCode.BadRequest : expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (expected == HttpStatusCode.Created)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _), problem.GetRawText());
        }
    }

    [Theory]
    [InlineData("/todos", HttpStatusCode.OK)]
    [InlineData("/todos/999999", HttpStatusCode.NotFound)]
    [InlineData("/auth/me", HttpStatusCode.OK)]
    [InlineData("/health", HttpStatusCode.OK)]
    [InlineData("/docs", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    public async Task HEAD_answers_like_GET_without_a_body(string path, HttpStatusCode expected)
    {
        using var get = await _client!.GetAsync(path);
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(expected, get.StatusCode);
        Assert.Equal(expected, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void Started_from_another_folder_the_program_still_reads_its_own_appsettings()
    {
        var output = _api!.Output;

        // appsettings.json turns EF Core's per-command logging down to Warning and leaves ours at Information.
        Assert.Contains(output, line => line.Contains("DatabaseMigrationService", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Executed DbCommand", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Request starting", StringComparison.Ordinal));
    }

    /// <summary>{"title":"aaaa…"} of exactly the given size in UTF-8.</summary>
    private static byte[] JsonBodyOfExactly(int bytes)
    {
        const string prefix = "{\"title\":\"";
        const string suffix = "\"}";
        return Encoding.UTF8.GetBytes(prefix + new string('a', bytes - prefix.Length - suffix.Length) + suffix);
    }
}
