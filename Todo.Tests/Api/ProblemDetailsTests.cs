using System.Net;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Unknown routes and unsupported methods are problem details too, like every other error.</summary>
public abstract class ProblemDetailsTests(TodoApplication app)
{
    [DatabaseTheory]
    [InlineData("GET", "/nope")]
    [InlineData("GET", "/todos/1/extra")]
    [InlineData("POST", "/auth")]
    [InlineData("GET", "/auth/sessions")]
    [InlineData("GET", "/openapi/v2.json")]
    public async Task An_unknown_route_is_404_problem(string method, string path)
    {
        using var user = await app.CreateUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await user.Client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [DatabaseTheory]
    [InlineData("POST", "/todos/abc")]
    [InlineData("POST", "/todos/0")]
    [InlineData("POST", "/todos/07")]
    [InlineData("OPTIONS", "/todos/-1")]
    [InlineData("TRACE", "/todos/99999999999")]
    [InlineData("OPTIONS", "/todos/1/extra")]
    public async Task A_method_a_route_lacks_on_a_path_that_is_no_id_is_404_not_405(string method, string path)
    {
        // Routing would answer 405 with Allow: GET… by the path's shape alone, where GET is 404.
        using var user = await app.CreateUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" ? Json.Raw("{}") : null };

        using var response = await user.Client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Empty(response.Content.Headers.Allow);
    }

    [DatabaseTheory]
    [InlineData("OPTIONS", "/todos/7", "DELETE,GET,HEAD,PATCH,PUT")]
    [InlineData("DELETE", "/todos", "GET,HEAD,POST")]
    [InlineData("PUT", "/todos", "GET,HEAD,POST")]
    [InlineData("POST", "/todos/1", "DELETE,GET,HEAD,PATCH,PUT")]
    [InlineData("PUT", "/auth/login", "POST")]
    [InlineData("GET", "/auth/login", "POST")]
    [InlineData("GET", "/auth/signup", "POST")]
    [InlineData("POST", "/auth/me", "DELETE,GET,HEAD")]
    [InlineData("PUT", "/auth/me", "DELETE,GET,HEAD")]
    [InlineData("GET", "/auth/refresh", "POST")]
    [InlineData("GET", "/auth/logout", "POST")]
    [InlineData("DELETE", "/auth/password", "PUT")]
    [InlineData("POST", "/health", "GET,HEAD")]
    public async Task A_method_the_route_does_not_support_is_405_problem_with_Allow(string method, string path, string allowed)
    {
        using var user = await app.CreateUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method is "GET" or "DELETE" ? null : Json.Raw("{}"),
        };

        using var response = await user.Client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(
            allowed.Split(','),
            response.Content.Headers.Allow.Select(method => method.ToUpperInvariant()).Order(StringComparer.Ordinal));
    }

    [DatabaseTheory]
    [InlineData("/nope")]
    [InlineData("/todos")]
    public async Task Errors_are_problem_json_even_when_the_client_accepts_only_html(string path)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        using var response = await client.GetAsync(path);

        await Problems.AssertProblemAsync(response, path == "/nope" ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized);
    }

    [DatabaseFact]
    public async Task A_405_does_not_need_a_token()
    {
        using var client = app.CreateClient();

        using var response = await client.DeleteAsync("/todos");

        await Problems.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [DatabaseFact]
    public async Task Problem_bodies_carry_the_trace_id_of_the_request_and_distinct_ids_per_request()
    {
        using var client = app.CreateClient();

        using var first = await client.GetAsync("/nope");
        using var second = await client.GetAsync("/nope");

        var firstId = (await Problems.AssertProblemAsync(first, HttpStatusCode.NotFound)).GetProperty("traceId").GetString();
        var secondId = (await Problems.AssertProblemAsync(second, HttpStatusCode.NotFound)).GetProperty("traceId").GetString();
        Assert.NotEqual(firstId, secondId);
    }

    [DatabaseTheory]
    [InlineData("Content-Length", "+2")]
    [InlineData("Content-Length", "2, 2")]
    [InlineData("X(a)", "v")]
    [InlineData("X-Note", "a\u0001b")]
    [InlineData("Transfer-Encoding", "gzip, chunked")]
    public async Task A_malformed_header_is_a_400_problem_on_the_test_server_too(string name, string value)
    {
        // Straight onto the request: HttpClient would refuse to send most of these.
        var context = await app.Server.SendAsync(context =>
        {
            context.Request.Method = "POST";
            context.Request.Path = "/auth/login";
            context.Request.ContentType = "application/json";
            context.Request.Headers[name] = value;
            context.Request.Body = new MemoryStream("{}"u8.ToArray());
        });

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType?.Split(';')[0]);
        Assert.Equal("nosniff", context.Response.Headers.XContentTypeOptions);
        Assert.False(string.IsNullOrEmpty(context.Response.Headers["X-Correlation-Id"]));
        using var problem = await System.Text.Json.JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("Bad Request", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(["headers"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [DatabaseFact]
    public async Task A_query_over_8_KiB_is_a_414_problem_on_the_test_server_too()
    {
        using var client = app.CreateClient();

        using var within = await client.GetAsync("/health/live?q=" + new string('a', 8_000));
        using var over = await client.GetAsync("/health/live?q=" + new string('a', 8_200));

        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        var problem = await Problems.AssertProblemAsync(over, (HttpStatusCode)414);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.15", problem.GetProperty("type").GetString());
    }

    [DatabaseFact]
    public async Task Validation_problems_are_problem_json_with_the_rfc_type()
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.PostAsync("/todos", Json.Raw("{}"));

        var problem = await Problems.AssertValidationProblemAsync(response, "title");
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", problem.GetProperty("type").GetString());
    }
}

public sealed class ProblemDetailsTestsOnSqlite(SqliteApplication app) : ProblemDetailsTests(app), IClassFixture<SqliteApplication>;

public sealed class ProblemDetailsTestsOnPostgres(PostgresApplication app) : ProblemDetailsTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
