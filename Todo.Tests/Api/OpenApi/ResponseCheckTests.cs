using System.Text;
using Todo.Tests.Support;

namespace Todo.Tests.Api.OpenApi;

/// <summary>
/// The checker every API test client runs its responses through (<see cref="DocumentedResponseHandler"/>) refuses what
/// the document does not say, so that a green API suite means every response it saw was documented.
/// </summary>
public abstract class ResponseCheckTests(TodoApplication app)
{
    private const string Todo = """{"id":1,"title":"t","completed":false,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}""";
    private const string Problem = """{"type":"about:blank","title":"Not Found","status":404,"traceId":"00-abc-def-01"}""";

    // The headers every documented response requires.
    private static readonly HashSet<string> NoHeaders = new(["X-Correlation-Id", "X-Content-Type-Options"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ETag = new([.. NoHeaders, "ETag"], StringComparer.OrdinalIgnoreCase);

    [DatabaseFact]
    public async Task A_documented_response_passes()
    {
        var contract = await app.GetContractAsync();

        Assert.Null(contract.Check("GET", "/todos/1", 200, "application/json", ETag, Bytes(Todo)));
        Assert.Null(contract.Check("HEAD", "/todos/1", 200, "application/json", ETag, ReadOnlyMemory<byte>.Empty));
        Assert.Null(contract.Check("GET", "/todos/1", 304, null, ETag, ReadOnlyMemory<byte>.Empty));
        Assert.Null(contract.Check("GET", "/todos/1", 404, "application/problem+json", NoHeaders, Bytes(Problem)));
    }

    [DatabaseFact]
    public async Task A_status_the_operation_does_not_list_fails()
    {
        var contract = await app.GetContractAsync();

        var failure = contract.Check("GET", "/todos/1", 418, "application/problem+json", NoHeaders, Bytes(Problem));

        Assert.Contains("getTodo: status 418 is not documented", failure, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_content_type_the_response_does_not_list_fails()
    {
        var contract = await app.GetContractAsync();

        Assert.Contains("text/json", contract.Check("GET", "/todos/1", 200, "text/json", ETag, Bytes(Todo)), StringComparison.Ordinal);
        Assert.Contains("application/json", contract.Check("GET", "/todos/1", 404, "application/json", NoHeaders, Bytes(Problem)), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_body_that_does_not_match_the_schema_fails()
    {
        var contract = await app.GetContractAsync();

        var failure = contract.Check("GET", "/todos/1", 200, "application/json", ETag, Bytes("""{"id":"1","title":"t"}"""));

        Assert.Contains("does not match the documented schema", failure, StringComparison.Ordinal);
        Assert.Contains("/id", failure, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_problem_without_a_trace_id_fails()
    {
        var contract = await app.GetContractAsync();

        var failure = contract.Check("GET", "/todos/1", 404, "application/problem+json", NoHeaders, Bytes("""{"type":"about:blank","title":"Not Found","status":404}"""));

        Assert.Contains("traceId", failure, StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task A_missing_documented_header_fails()
    {
        var contract = await app.GetContractAsync();

        var failure = contract.Check("POST", "/todos", 201, "application/json", NoHeaders, Bytes(Todo));

        Assert.Contains("Location", failure, StringComparison.Ordinal);
        Assert.Contains("ETag", contract.Check("GET", "/todos/1", 200, "application/json", NoHeaders, Bytes(Todo)), StringComparison.Ordinal);
        Assert.Contains("ETag", contract.Check("GET", "/todos/1", 304, null, NoHeaders, ReadOnlyMemory<byte>.Empty), StringComparison.Ordinal);
        Assert.Contains("a body where none can be", contract.Check("GET", "/todos/1", 304, "application/json", ETag, Bytes(Todo)), StringComparison.Ordinal);
    }

    [DatabaseFact]
    public async Task Unknown_routes_and_methods_may_only_be_404_and_405_problems()
    {
        var contract = await app.GetContractAsync();

        Assert.Null(contract.Check("GET", "/nope", 404, "application/problem+json", NoHeaders, Bytes(Problem)));
        Assert.NotNull(contract.Check("GET", "/nope", 200, "application/json", NoHeaders, Bytes("{}")));
        Assert.Null(contract.Check("POST", "/todos/1", 405, "application/problem+json", NoHeaders, Bytes(Problem.Replace("404", "405", StringComparison.Ordinal))));
        Assert.NotNull(contract.Check("POST", "/todos/1", 200, "application/json", NoHeaders, Bytes(Todo)));

        // The document's id is a positive integer: a path with anything else there is no path of the document.
        Assert.Null(contract.Check("POST", "/todos/abc", 404, "application/problem+json", NoHeaders, Bytes(Problem)));
        Assert.NotNull(contract.Check("POST", "/todos/abc", 405, "application/problem+json", NoHeaders, Bytes(Problem.Replace("404", "405", StringComparison.Ordinal))));
        Assert.NotNull(contract.Check("POST", "/todos/07", 405, "application/problem+json", NoHeaders, Bytes(Problem.Replace("404", "405", StringComparison.Ordinal))));
    }

    [DatabaseFact]
    public async Task A_response_whose_correlation_id_breaks_the_contract_s_rule_fails()
    {
        // An HTTP API request id as API Gateway makes it: base64, with padding.
        using var client = new HttpClient(new DocumentedResponseHandler(_ => app.GetContractAsync()) { InnerHandler = new Answering("JZ5xvhWgoAMEJSA=") })
        {
            BaseAddress = new Uri("http://localhost"),
        };

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => client.GetAsync(new Uri("/health/live", UriKind.Relative)));

        Assert.Contains("X-Correlation-Id", failure.Message, StringComparison.Ordinal);
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Answers every request 200 with the given correlation id, as a server that breaks the rule would.</summary>
    private sealed class Answering(string correlationId) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { RequestMessage = request };
            response.Headers.Add("X-Correlation-Id", correlationId);
            return Task.FromResult(response);
        }
    }
}

public sealed class ResponseCheckTestsOnSqlite(SqliteApplication app) : ResponseCheckTests(app), IClassFixture<SqliteApplication>;

public sealed class ResponseCheckTestsOnPostgres(PostgresApplication app) : ResponseCheckTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
