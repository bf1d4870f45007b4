using System.Net;
using System.Text.Json;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>X-Correlation-Id on every response (the request's own when valid, else a new one) and a W3C traceparent continued.</summary>
public abstract class CorrelationIdTests(TodoApplication app)
{
    private const string Header = "X-Correlation-Id";

    public static TheoryData<string> ValidIds => new()
    {
        "test-corr-1",
        "A.b_c:d-9",
        "x",
        new string('a', 128),
    };

    public static TheoryData<string> InvalidIds => new()
    {
        new string('a', 129),
        "has space",
        "semi;colon",
        "<script>",
        "slash/path",
        "",
    };

    [DatabaseTheory]
    [MemberData(nameof(ValidIds))]
    public async Task A_valid_correlation_id_is_echoed(string id)
    {
        using var response = await SendAsync(HttpMethod.Get, "/health", id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([id], response.Headers.GetValues(Header));
    }

    [DatabaseTheory]
    [MemberData(nameof(InvalidIds))]
    public async Task An_invalid_correlation_id_is_replaced_by_a_new_valid_one(string id)
    {
        using var response = await SendAsync(HttpMethod.Get, "/health", id);

        var answered = Assert.Single(response.Headers.GetValues(Header));
        Assert.NotEqual(id, answered);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", answered);
    }

    [DatabaseFact]
    public async Task Without_a_correlation_id_each_response_gets_a_new_one()
    {
        using var first = await SendAsync(HttpMethod.Get, "/health", id: null);
        using var second = await SendAsync(HttpMethod.Get, "/health", id: null);

        var firstId = Assert.Single(first.Headers.GetValues(Header));
        var secondId = Assert.Single(second.Headers.GetValues(Header));
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", firstId);
        Assert.NotEqual(firstId, secondId);
    }

    [DatabaseTheory]
    [InlineData("GET", "/no-such-route", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/todos/5", null, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/todos", null, HttpStatusCode.Unauthorized)]
    [InlineData("DELETE", "/health", null, HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/auth/login", """{"email":"not an email"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/auth/signup", "not json", HttpStatusCode.UnsupportedMediaType)]
    public async Task Problem_responses_carry_the_correlation_id_too(string method, string path, string? body, HttpStatusCode status)
    {
        using var response = await SendAsync(new HttpMethod(method), path, "problem-corr-1", body);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(["problem-corr-1"], response.Headers.GetValues(Header));
    }

    [DatabaseFact]
    public async Task A_response_written_by_the_exception_handler_carries_the_correlation_id()
    {
        var email = TodoApplication.NewEmail();
        await app.SignUpAsync(email);

        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/signup")
        {
            Content = Json.Of(new { email, password = TodoApplication.DefaultPassword }),
        };
        request.Headers.Add(Header, "conflict-corr-1");
        using var duplicate = await client.SendAsync(request);

        await Problems.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Equal(["conflict-corr-1"], duplicate.Headers.GetValues(Header));
    }

    [DatabaseFact]
    public async Task A_W3C_traceparent_is_continued_the_problem_carries_its_trace_id()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var answered = problem.RootElement.GetProperty("traceId").GetString();
        Assert.Equal(traceId, answered); // the trace id alone, as the logs' TraceId: not a traceparent with a span id
    }

    [DatabaseTheory]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true)]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-later-fields", true)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", false)]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01extra", false)]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false)]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", false)]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", false)]
    [InlineData("02-a-kilobyte-of-anything-a-kilobyte-of-anything-a-kilobyte-of-anything-a-kilobyte-of-anything", false)]
    public async Task A_later_traceparent_version_is_read_by_its_version_00_fields_and_anything_else_starts_a_new_trace(string traceParent, bool continued)
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        Assert.True(request.Headers.TryAddWithoutValidation("traceparent", traceParent));

        using var response = await client.SendAsync(request);

        // Never the header's text, never the server's request id: a W3C trace id, the logs' TraceId too.
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var answered = problem.RootElement.GetProperty("traceId").GetString();
        Assert.Matches("^[0-9a-f]{32}$", answered);
        Assert.Equal(continued, answered == traceId);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? id, string? body = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        if (id is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(Header, id));
        }

        if (body is not null)
        {
            request.Content = body.StartsWith('{') ? Json.Raw(body) : new StringContent(body);
        }

        return await client.SendAsync(request);
    }
}

public sealed class CorrelationIdTestsOnSqlite(SqliteApplication app) : CorrelationIdTests(app), IClassFixture<SqliteApplication>;

public sealed class CorrelationIdTestsOnPostgres(PostgresApplication app) : CorrelationIdTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
