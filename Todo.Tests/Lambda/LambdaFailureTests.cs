using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Todo.Lambda;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>What happens when the event, the application or the response is not what it should be.</summary>
public sealed class LambdaFailureTests(ProbeHostFixture fixture) : IClassFixture<ProbeHostFixture>
{
    private Task<JsonElement> InvokeAsync(string file, IReadOnlyDictionary<string, string>? values = null) =>
        fixture.Host.InvokeFileAsync(LambdaTestPaths.Own(file), values);

    [Theory]
    [InlineData("malformed-not-json.json", "not valid JSON")]
    [InlineData("malformed-sqs-event.json", "not an API Gateway")]
    [InlineData("malformed-headers-not-object.json", "'headers' is array")]
    [InlineData("malformed-bad-base64.json", "base64")]
    public async Task A_malformed_event_fails_the_invocation_with_a_clear_message(string file, string message)
    {
        var exception = await Assert.ThrowsAsync<LambdaEventFormatException>(() => InvokeAsync(file));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":"2.0","rawPath":"/health","requestContext":{"http":{"method":"GET"}},"cookies":[1,2]}""", "wrong JSON type")]
    [InlineData("""{"version":"2.0","rawPath":"/health","requestContext":{"http":{"method":"GET"}},"cookies":[{"a":1}]}""", "wrong JSON type")]
    [InlineData("""{"httpMethod":"GET","path":"/health","requestContext":{"identity":{"sourceIp":7}}}""", "'sourceIp' is number")]
    public async Task An_event_field_of_the_wrong_JSON_type_is_malformed_not_a_crash(string proxyEvent, string message)
    {
        var exception = await Assert.ThrowsAsync<LambdaEventFormatException>(() => fixture.Host.InvokeAsync(proxyEvent));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_value_that_is_not_an_object_is_malformed()
    {
        await Assert.ThrowsAsync<LambdaEventFormatException>(() => fixture.Host.InvokeAsync("[1, 2, 3]"));
        await Assert.ThrowsAsync<LambdaEventFormatException>(() => fixture.Host.InvokeAsync("\"GET /\""));
    }

    [Theory]
    [InlineData("x(a)", "v")]
    [InlineData("x-note", "a\u0001b")]
    public async Task A_malformed_header_in_an_event_is_a_400_problem_not_a_crash(string name, string value)
    {
        // (Framing is API Gateway's: the adapter replaces an event's Content-Length and Transfer-Encoding by the body
        // it hands over, so those never reach the check.)
        var proxyEvent = JsonNode.Parse(EventFile.Read(LambdaTestPaths.Own("v2-get-health.json")))!;
        proxyEvent["headers"]![name] = value;

        var response = await fixture.Host.InvokeAsync(proxyEvent.ToJsonString());

        Assert.Equal(400, response.Status());
        Assert.StartsWith("application/problem+json", Assert.Single(response.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Header("X-Content-Type-Options"));
        Assert.Equal(["v2-get-health"], response.Header("X-Correlation-Id"));
        Assert.Empty(response.Header("Connection")); // an event has no connection to close
        var problem = response.Json();
        Assert.Equal("Bad Request", problem.GetProperty("title").GetString());
        Assert.Equal(["headers"], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task An_event_with_more_headers_than_the_API_reads_is_a_431_problem_not_a_crash()
    {
        var proxyEvent = JsonNode.Parse(EventFile.Read(LambdaTestPaths.Own("v2-get-health.json")))!;
        for (var i = 0; i < 120; i++)
        {
            proxyEvent["headers"]![$"x-field-{i}"] = "v";
        }

        var response = await fixture.Host.InvokeAsync(proxyEvent.ToJsonString());

        Assert.Equal(431, response.Status());
        Assert.StartsWith("application/problem+json", Assert.Single(response.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Header("X-Content-Type-Options"));
        Assert.Equal(["v2-get-health"], response.Header("X-Correlation-Id"));
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-5", response.Json().GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("v1-probe-throw.json")]
    [InlineData("v2-probe-throw.json")]
    [InlineData("v1-probe-throw-after-write.json")]
    [InlineData("v2-probe-throw-after-write.json")]
    public async Task An_exception_in_the_application_is_a_500_problem_without_details_and_the_next_invocation_is_fine(string file)
    {
        var response = await InvokeAsync(file);

        Assert.Equal(500, response.Status());
        Assert.StartsWith("application/problem+json", Assert.Single(response.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Header("X-Content-Type-Options"));
        var body = Encoding.UTF8.GetString(response.BodyBytes());
        Assert.DoesNotContain(LambdaProbeStartupFilter.ProbeFailureMessage, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain("partial output", body, StringComparison.Ordinal);
        var problem = response.Json();
        Assert.Equal(500, problem.GetProperty("status").GetInt32());

        // The event's requestContext.requestId, which these event files set to their own name.
        Assert.Equal(Path.GetFileNameWithoutExtension(file), problem.GetProperty("traceId").GetString());
        Assert.Equal([Path.GetFileNameWithoutExtension(file)], response.Header("X-Correlation-Id"));

        var next = await InvokeAsync(file.Replace("probe-throw-after-write", "probe-binary", StringComparison.Ordinal).Replace("probe-throw", "probe-binary", StringComparison.Ordinal));
        Assert.Equal(200, next.Status());
        Assert.Equal(256, next.BodyBytes().Length);
    }

    [Theory]
    [InlineData("v1-probe-large.json", "text/plain", 7_000_000)]
    [InlineData("v2-probe-large.json", "application/octet-stream", 7_000_000)]
    // Fits in the buffer, but base64 makes the serialized response 6.2 MB + a third: over Lambda's limit.
    [InlineData("v2-probe-large.json", "application/octet-stream", 5_000_000)]
    public async Task A_response_over_the_payload_limit_is_a_problem_response(string file, string type, int bytes)
    {
        var response = await InvokeAsync(file, new Dictionary<string, string> { ["bytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = type });

        Assert.Equal(500, response.Status());
        Assert.Equal("The response is too large.", response.Json().GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_response_just_under_the_limit_goes_out_whole()
    {
        var response = await InvokeAsync("v2-probe-large.json", new Dictionary<string, string> { ["bytes"] = "6000000", ["type"] = "text/plain" });

        Assert.Equal(200, response.Status());
        Assert.Equal(6_000_000, response.GetProperty("body").GetString()!.Length);
    }

    [Fact]
    public async Task The_request_is_aborted_shortly_before_the_deadline()
    {
        // The probe waits on RequestAborted forever: only the abort 0.5 s ahead of the deadline ends it.
        var started = DateTimeOffset.UtcNow;
        var response = await fixture.Host.InvokeAsync(EventFile.Read(LambdaTestPaths.Own("v1-probe-wait.json")), deadline: started.AddSeconds(3));
        var elapsed = DateTimeOffset.UtcNow - started;

        Assert.Equal(504, response.Status());
        Assert.Equal("The request did not complete in time.", response.Json().GetProperty("title").GetString());
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(3));
    }
}
