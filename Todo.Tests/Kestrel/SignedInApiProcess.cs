using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Todo.Tests.Kestrel;

/// <summary>
/// One real API process for a test class (starting one per test costs seconds each), started from a folder with no
/// appsettings.json, as a service manager or a test harness might, and a client signed in to it.
/// </summary>
public sealed class SignedInApiProcess : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-kestrel-tests-");
    private ApiProcess? _api;
    private HttpClient? _client;

    public ApiProcess Api => _api ?? throw new InvalidOperationException("Not started.");

    /// <summary>Carries the signed-in user's bearer token.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
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
}
