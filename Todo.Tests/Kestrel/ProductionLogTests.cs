using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Todo.Tests.Kestrel;

/// <summary>
/// The real program in Production on Kestrel, through a whole signup, login, CRUD and error run: its output is one JSON
/// object per line, one request line per request with the route template, and not one secret.
/// </summary>
public sealed class ProductionLogTests : IAsyncLifetime
{
    private const string Password = "log-test password 8472";
    private const string QueryMarker = "qs-marker-5f1c9e";
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-log-tests-");
    private ApiProcess _api = null!;

    public async Task InitializeAsync() =>
        _api = await ApiProcess.StartAsync(Path.Combine(_directory.FullName, "todo.db"), workingDirectory: _directory.FullName);

    public Task DisposeAsync()
    {
        _api.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_full_run_logs_one_JSON_line_per_request_with_route_status_duration_and_correlation_id_and_no_secret()
    {
        using var client = new HttpClient { BaseAddress = _api.BaseAddress };
        var email = $"logs-{Guid.NewGuid():N}@example.com";
        var requests = new List<(string CorrelationId, string Method, string Route, int Status)>();

        async Task<HttpResponseMessage> Send(string id, HttpMethod method, string path, string route, HttpStatusCode status, object? body = null, string? token = null, Action<HttpRequestMessage>? configure = null)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("X-Correlation-Id", id);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            configure?.Invoke(request);
            var response = await client.SendAsync(request);
            Assert.True(status == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal([id], response.Headers.GetValues("X-Correlation-Id"));
            requests.Add((id, method.Method, route, (int)status));
            return response;
        }

        using var signup = await Send("test-corr-signup", HttpMethod.Post, "/auth/signup", "/auth/signup", HttpStatusCode.Created, new { email, password = Password });
        var userId = (await signup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var login = await Send("test-corr-1", HttpMethod.Post, "/auth/login", "/auth/login", HttpStatusCode.OK, new { email, password = Password });
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        var accessToken = tokens.GetProperty("accessToken").GetString()!;

        var refreshToken = tokens.GetProperty("refreshToken").GetString()!;

        using var me = await Send("test-corr-me", HttpMethod.Get, "/auth/me", "/auth/me", HttpStatusCode.OK, token: accessToken,
            configure: request => request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"));
        using var created = await Send("test-corr-create", HttpMethod.Post, "/todos", "/todos", HttpStatusCode.Created, new { title = "log me" }, accessToken);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32().ToString(CultureInfo.InvariantCulture);
        using var list = await Send("test-corr-list", HttpMethod.Get, $"/todos?completed=false&page=1&pageSize=20&marker={QueryMarker}", "/todos", HttpStatusCode.OK, token: accessToken);
        using var fetched = await Send("test-corr-get", HttpMethod.Get, $"/todos/{id}", "/todos/{id}", HttpStatusCode.OK, token: accessToken);
        using var patched = await Send("test-corr-patch", HttpMethod.Patch, $"/todos/{id}", "/todos/{id}", HttpStatusCode.OK, new { completed = true }, accessToken);
        using var deleted = await Send("test-corr-delete", HttpMethod.Delete, $"/todos/{id}", "/todos/{id}", HttpStatusCode.NoContent, token: accessToken);
        using var missing = await Send("test-corr-404", HttpMethod.Get, $"/todos/{id}", "/todos/{id}", HttpStatusCode.NotFound, token: accessToken);
        using var tampered = await Send("test-corr-401", HttpMethod.Get, "/todos", "/todos", HttpStatusCode.Unauthorized, token: accessToken[..^4] + "AAAA");
        using var invalid = await Send("test-corr-400", HttpMethod.Post, "/auth/login", "/auth/login", HttpStatusCode.BadRequest, new { email = "not an email", password = Password });
        using var unknown = await Send("test-corr-unmatched", HttpMethod.Get, "/no-such-route", "(unmatched)", HttpStatusCode.NotFound);
        using var refreshed = await Send("test-corr-refresh", HttpMethod.Post, "/auth/refresh", "/auth/refresh", HttpStatusCode.OK, new { refreshToken });
        var rotated = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        var rotatedAccess = rotated.GetProperty("accessToken").GetString()!;
        var rotatedRefresh = rotated.GetProperty("refreshToken").GetString()!;
        using var reused = await Send("test-corr-reuse", HttpMethod.Post, "/auth/refresh", "/auth/refresh", HttpStatusCode.Unauthorized, new { refreshToken });
        using var loggedOut = await Send("test-corr-logout", HttpMethod.Post, "/auth/logout", "/auth/logout", HttpStatusCode.Unauthorized, token: rotatedAccess);

        var lines = await WaitForRequestLinesAsync(requests.Count);

        // Every line is one JSON object with the formatter's fields, a UTC ISO-8601 timestamp, and its scopes' values
        // as top-level keys, none twice, none left in a Scopes array (every scope of ours has keys).
        foreach (var (text, line) in lines)
        {
            foreach (var field in new[] { "Timestamp", "LogLevel", "Category", "Message" })
            {
                Assert.True(line.TryGetProperty(field, out _), $"no {field}: {text}");
            }

            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line.GetProperty("Timestamp").GetString());
            Assert.False(line.TryGetProperty("Scopes", out _), text);
            var names = line.EnumerateObject().Select(property => property.Name).ToList();
            Assert.Equal(names.Distinct(StringComparer.Ordinal), names);
            Assert.DoesNotContain("System.Collections", text, StringComparison.Ordinal);
        }

        // One request line per request, with the route template, the status, the duration and its correlation id.
        foreach (var (correlationId, method, route, status) in requests)
        {
            var requestLine = Assert.Single(lines, line => IsRequestLine(line.Json) && TopLevel(line.Json, "correlationId") == correlationId).Json;
            var state = requestLine.GetProperty("State");
            Assert.Equal(method, state.GetProperty("Method").GetString());
            Assert.Equal(route, state.GetProperty("Route").GetString());
            Assert.Equal(status, state.GetProperty("StatusCode").GetInt32());
            Assert.True(state.GetProperty("DurationMs").GetDouble() >= 0);
            Assert.Equal(correlationId, state.GetProperty("CorrelationId").GetString());
        }

        // Once authenticated, a request's lines carry the user id; a sent traceparent's trace id is the lines' traceId.
        var meLine = lines.Single(line => IsRequestLine(line.Json) && TopLevel(line.Json, "correlationId") == "test-corr-me").Json;
        Assert.Equal(userId.ToString(CultureInfo.InvariantCulture), TopLevel(meLine, "userId"));
        Assert.Equal(TraceId, TopLevel(meLine, "TraceId"));
        Assert.Matches("^[0-9a-f]{16}$", TopLevel(meLine, "SpanId"));
        var signupLine = lines.Single(line => IsRequestLine(line.Json) && TopLevel(line.Json, "correlationId") == "test-corr-signup").Json;
        Assert.Null(TopLevel(signupLine, "userId"));

        // No secret anywhere in the output: the password, the tokens (or any JWT fragment), the signing key, a query value.
        var output = string.Join('\n', _api.Output);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, output, StringComparison.Ordinal);
        foreach (var secret in new[] { refreshToken, rotatedRefresh, rotatedAccess })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("eyJ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiProcess.SigningKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiProcess.SigningKey)), output, StringComparison.Ordinal);
        Assert.DoesNotContain(QueryMarker, output, StringComparison.Ordinal);
        Assert.DoesNotContain("pageSize=", output, StringComparison.Ordinal);
    }

    /// <summary>The output parsed line by line (every non-empty line must parse), once all request lines are written.</summary>
    private async Task<List<(string Text, JsonElement Json)>> WaitForRequestLinesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = _api.Output.Where(line => line.Length > 0).Select(text =>
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return (text, document.RootElement.Clone());
                }
                catch (JsonException exception)
                {
                    throw new Xunit.Sdk.XunitException($"Not a JSON line ({exception.Message}): {text}");
                }
            }).ToList();

            if (lines.Count(line => IsRequestLine(line.Item2) && TopLevel(line.Item2, "correlationId")?.StartsWith("test-corr-", StringComparison.Ordinal) == true) >= count
                || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }

    private static bool IsRequestLine(JsonElement line) => line.GetProperty("Category").GetString() == "Todo.Api.Requests";

    /// <summary>A top-level value of the line, as text; null when the line has none.</summary>
    private static string? TopLevel(JsonElement line, string key) =>
        line.TryGetProperty(key, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;
}
