using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Hardening headers (OWASP API8, ASVS V3/V14) on every response, errors included, and a docs page that trusts only its own origin.</summary>
public abstract partial class ResponseHeadersTests(TodoApplication app)
{
    public static TheoryData<string, string, string?, HttpStatusCode> Responses => new()
    {
        { "GET", "/health", null, HttpStatusCode.OK },
        { "GET", "/openapi/v1.json", null, HttpStatusCode.OK },
        { "GET", "/docs", null, HttpStatusCode.OK },
        { "GET", "/no-such-route", null, HttpStatusCode.NotFound },
        { "DELETE", "/health", null, HttpStatusCode.MethodNotAllowed },
        { "GET", "/todos", null, HttpStatusCode.Unauthorized },
        { "POST", "/auth/login", """{"email":"not an email"}""", HttpStatusCode.BadRequest },
        { "POST", "/auth/signup", "not json", HttpStatusCode.UnsupportedMediaType },
    };

    [DatabaseTheory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_says_nosniff(string method, string path, string? body, HttpStatusCode status)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = body.StartsWith('{') ? Json.Raw(body) : new StringContent(body);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [DatabaseFact]
    public async Task A_response_written_by_the_exception_handler_says_nosniff_too()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        using var duplicate = await app.PostSignupAsync(email, TodoApplication.DefaultPassword);

        await Problems.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Equal(["nosniff"], duplicate.Headers.GetValues("X-Content-Type-Options"));
    }

    [DatabaseTheory]
    [InlineData("GET", "/todos", HttpStatusCode.OK)]
    [InlineData("GET", "/todos/{id}", HttpStatusCode.OK)]
    [InlineData("HEAD", "/todos/{id}", HttpStatusCode.OK)]
    [InlineData("GET", "/auth/me", HttpStatusCode.OK)]
    [InlineData("GET", "/todos/999999", HttpStatusCode.NotFound)]
    [InlineData("GET", "/health", HttpStatusCode.OK)]
    public async Task Every_response_to_a_request_with_a_bearer_token_is_no_store(string method, string path, HttpStatusCode status)
    {
        var user = await app.GetSharedUserAsync();
        using var created = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"cached?"}"""));
        var id = (await Json.ReadAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt32();
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());

        using var response = await user.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", $"{id}", StringComparison.Ordinal)));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [DatabaseFact]
    public async Task A_rejected_bearer_token_and_a_login_response_are_no_store()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        using var rejected = await client.GetAsync("/todos");
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);
        using var login = await app.PostLoginAsync(email, TodoApplication.DefaultPassword);

        await Problems.AssertUnauthorizedAsync(rejected);
        Assert.Equal("no-store", rejected.Headers.CacheControl?.ToString());
        await Json.ReadAsync(login, HttpStatusCode.OK);
        Assert.True(login.Headers.CacheControl?.NoStore, "login must be no-store");
    }

    [DatabaseFact]
    public async Task The_docs_page_allows_only_its_own_origin_no_framing_and_no_referrer()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/docs");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(directive => directive.Split(' ')[0], directive => directive.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.All(directives.Values.SelectMany(sources => sources), source => Assert.DoesNotMatch("^(https?:|\\*)", source));
        Assert.Equal(["no-referrer"], response.Headers.GetValues("Referrer-Policy"));

        // Inline scripts would need 'unsafe-inline': the page has none, and loads nothing from elsewhere.
        var html = await response.Content.ReadAsStringAsync();
        Assert.Empty(InlineScript().Matches(html));
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
    }

    [DatabaseFact]
    public async Task The_openapi_server_is_the_mount_point_never_the_requests_host()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", text, StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(text);
        var server = Assert.Single(document.RootElement.GetProperty("servers").EnumerateArray());
        Assert.Equal("/", server.GetProperty("url").GetString());
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}

public sealed class ResponseHeadersTestsOnSqlite(SqliteApplication app) : ResponseHeadersTests(app), IClassFixture<SqliteApplication>;

public sealed class ResponseHeadersTestsOnPostgres(PostgresApplication app) : ResponseHeadersTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
