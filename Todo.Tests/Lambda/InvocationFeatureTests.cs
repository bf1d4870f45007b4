using System.Text;
using System.Text.Json;
using Todo.Lambda;
using Todo.Tests.Lambda.Support;
using Todo.Tests.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// <see cref="ILambdaInvocationFeature"/> as the application sees it from inside a request (a probe in front of the
/// pipeline writes it out), for AWS's sample events and ours, each kind of authorizer, and what the Runtime API and
/// the reserved environment variables say about the invocation.
/// </summary>
public sealed class InvocationFeatureTests(InvocationFeatureHostFixture fixture) : IClassFixture<InvocationFeatureHostFixture>
{
    private async Task<JsonElement> SeenAsync(string path) => (await fixture.Host.InvokeFileAsync(path)).Json();

    [Fact]
    public async Task A_REST_event_with_a_Cognito_authorizer_exposes_its_claims()
    {
        var seen = await SeenAsync(LambdaTestPaths.Upstream("v1-get-reserved-char-query-cognito-dotnet.json"));

        Assert.Equal("ApiGatewayRest", seen.GetProperty("eventFormat").GetString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["cognito:groups"] = "Admin",
                ["phone_number_verified"] = "true",
                ["cognito:username"] = "normj",
                ["aud"] = "3mushfc8sgm8uoacvif5vhkt49",
                ["event_id"] = "75760f58-f984-11e7-8d4a-2389efc50d68",
                ["token_use"] = "id",
                ["auth_time"] = "1515973296",
                ["you_are_special"] = "true",
            },
            Claims(seen));
        Assert.Equal("normj", seen.GetProperty("authorizer").GetProperty("claims").GetProperty("cognito:username").GetString());
    }

    [Fact]
    public async Task A_REST_event_with_a_Lambda_authorizer_exposes_its_principal_and_context_but_not_API_Gateways_latency()
    {
        var seen = await SeenAsync(LambdaTestPaths.Own("v1-lambda-authorizer.json"));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["principalId"] = "user-7f3c2a",
                ["tenant"] = "acme",
                ["role"] = "editor",
                ["seats"] = "25",
                ["mfa"] = "true",
            },
            Claims(seen));

        // API Gateway's timing of the authorizer stays in the raw authorizer object.
        Assert.Equal(412, seen.GetProperty("authorizer").GetProperty("integrationLatency").GetInt32());
    }

    [Fact]
    public async Task A_number_in_a_REST_Lambda_authorizer_context_is_given_as_its_JSON_text()
    {
        var seen = await SeenAsync(LambdaTestPaths.Upstream("v1-post-json-body-multivalue-go.json"));

        Assert.Equal(
            new Dictionary<string, string> { ["principalId"] = "admin", ["clientId"] = "1", ["clientName"] = "Exata" },
            Claims(seen));
    }

    [Fact]
    public async Task An_HTTP_API_event_with_a_JWT_authorizer_exposes_its_claims_and_scopes()
    {
        var seen = await SeenAsync(LambdaTestPaths.Own("v2-jwt-authorizer.json"));

        Assert.Equal("ApiGatewayHttp", seen.GetProperty("eventFormat").GetString());
        var claims = Claims(seen);
        Assert.Equal(13, claims.Count);
        Assert.Equal("3f9c1e7a-2b4d-4c6e-8f0a-1b3d5e7f9a2c", claims["sub"]);
        Assert.Equal("ada", claims["username"]);
        Assert.Equal("todo/read todo/write", claims["scope"]);

        // HTTP API writes an array claim as one string of its own making; it reaches the application as written.
        Assert.Equal("[admin editors]", claims["cognito:groups"]);
        Assert.Equal(["todo/read", "todo/write"], seen.GetProperty("authorizer").GetProperty("jwt").GetProperty("scopes").Strings());
    }

    [Theory]
    [InlineData("v2-get-rawquery-cookies-powertools.json")]
    [InlineData("v2-post-json-body-powertools.json")]
    [InlineData("v2-post-base64-body-sam.json")]
    public async Task The_AWS_samples_of_an_HTTP_API_JWT_authorizer_expose_its_claims(string file)
    {
        var seen = await SeenAsync(LambdaTestPaths.Upstream(file));

        Assert.Equal(new Dictionary<string, string> { ["claim1"] = "value1", ["claim2"] = "value2" }, Claims(seen));
        Assert.Equal(["scope1", "scope2"], seen.GetProperty("authorizer").GetProperty("jwt").GetProperty("scopes").Strings());
    }

    [Fact]
    public async Task An_HTTP_API_event_with_a_Lambda_authorizer_exposes_its_context_with_non_strings_as_JSON_text()
    {
        var seen = await SeenAsync(LambdaTestPaths.Own("v2-lambda-authorizer.json"));

        // The null entry is left out; everything else is there, nothing reparsed.
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["userId"] = "user-7f3c2a",
                ["tenant"] = "acme",
                ["seats"] = "25",
                ["admin"] = "false",
                ["groups"] = """["admin", "editors"]""",
                ["plan"] = """{"name": "pro"}""",
            },
            Claims(seen));
        Assert.Equal(JsonValueKind.False, seen.GetProperty("authorizer").GetProperty("lambda").GetProperty("admin").ValueKind);
    }

    [Theory]
    [InlineData("v2-get-root-no-authorizer-go.json", "ApiGatewayHttp", "Undefined")]
    [InlineData("v1-get-encoded-path-query-stage-dotnet.json", "ApiGatewayRest", "Undefined")]
    // An authorizer object with nothing in it: "claims": null, "scopes": null.
    [InlineData("v1-get-multivalue-query-powertools.json", "ApiGatewayRest", "Object")]
    public async Task An_event_without_an_authorizer_has_no_claims(string file, string eventFormat, string authorizerKind)
    {
        var seen = await SeenAsync(LambdaTestPaths.Upstream(file));

        Assert.Equal(eventFormat, seen.GetProperty("eventFormat").GetString());
        Assert.Equal("Object", seen.GetProperty("requestContextKind").GetString());
        Assert.Equal(authorizerKind, seen.GetProperty("authorizerKind").GetString());
        Assert.Empty(Claims(seen));
    }

    [Fact]
    public async Task An_ALB_event_keeps_its_elb_request_context_and_has_no_authorizer()
    {
        var seen = await SeenAsync(LambdaTestPaths.Upstream("alb-get-multivalue-headers-go.json"));

        Assert.Equal("ApplicationLoadBalancer", seen.GetProperty("eventFormat").GetString());
        Assert.Equal(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefgh",
            seen.GetProperty("requestContext").GetProperty("elb").GetProperty("targetGroupArn").GetString());
        Assert.Equal("Undefined", seen.GetProperty("authorizerKind").GetString());
        Assert.Empty(Claims(seen));
    }

    [Fact]
    public async Task The_request_context_is_the_events_whole_requestContext()
    {
        var seen = await SeenAsync(LambdaTestPaths.Own("v2-jwt-authorizer.json"));

        using var original = JsonDocument.Parse(File.ReadAllText(LambdaTestPaths.Own("v2-jwt-authorizer.json")));
        var expected = original.RootElement.GetProperty("requestContext");
        Assert.True(JsonElement.DeepEquals(expected, seen.GetProperty("requestContext")));
        Assert.True(JsonElement.DeepEquals(expected.GetProperty("authorizer"), seen.GetProperty("authorizer")));
    }

    [Fact]
    public async Task The_request_id_deadline_remaining_time_and_trace_id_are_the_invocations()
    {
        var deadline = fixture.Clock.GetUtcNow().AddSeconds(90);
        var invocation = new LambdaInvocation(
            "8476a536-e9f4-11e8-9739-2dfe598c3fcd", deadline, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");

        var response = await fixture.Host.InvokeAsync(EventFile.Read(LambdaTestPaths.Own("v2-jwt-authorizer.json")), invocation);
        var seen = response.Json();

        Assert.Equal("8476a536-e9f4-11e8-9739-2dfe598c3fcd", seen.GetProperty("requestId").GetString());
        Assert.Equal(deadline, seen.GetProperty("deadline").GetDateTimeOffset());
        Assert.Equal(90_000, seen.GetProperty("remainingTimeMilliseconds").GetDouble());
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", seen.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task The_function_name_version_and_memory_are_Lambdas_reserved_variables()
    {
        var seen = await SeenAsync(LambdaTestPaths.Own("v1-lambda-authorizer.json"));

        Assert.Equal("todo-api", seen.GetProperty("functionName").GetString());
        Assert.Equal("7", seen.GetProperty("functionVersion").GetString());
        Assert.Equal(512, seen.GetProperty("memorySizeMegabytes").GetInt32());
    }

    [Fact]
    public async Task Under_the_class_library_handler_there_is_no_request_id_or_trace_id_and_the_deadline_is_the_configured_timeout()
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(EventFile.Read(LambdaTestPaths.Own("v2-lambda-authorizer.json"))));
        var expectedDeadline = fixture.Clock.GetUtcNow().AddSeconds(InvocationFeatureHostFixture.FunctionTimeoutSeconds);

        await using var output = await fixture.Host.EntryPoint.FunctionHandlerAsync(input);
        using var response = await JsonDocument.ParseAsync(output);
        var seen = response.RootElement.Json();

        Assert.True(seen.GetProperty("present").GetBoolean());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("requestId").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("traceId").ValueKind);
        Assert.Equal(expectedDeadline, seen.GetProperty("deadline").GetDateTimeOffset());
        Assert.Equal(InvocationFeatureHostFixture.FunctionTimeoutSeconds * 1000, seen.GetProperty("remainingTimeMilliseconds").GetDouble());
        Assert.Equal("user-7f3c2a", Claims(seen)["userId"]);
    }

    [Fact]
    public async Task Without_a_deadline_there_is_no_remaining_time()
    {
        var seen = (await fixture.Host.InvokeAsync(EventFile.Read(LambdaTestPaths.Own("v1-lambda-authorizer.json")), deadline: null)).Json();

        Assert.Equal(JsonValueKind.Null, seen.GetProperty("deadline").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("remainingTimeMilliseconds").ValueKind);
    }

    [Fact]
    public void The_remaining_time_shrinks_with_the_applications_clock_and_stops_at_zero()
    {
        var clock = new ManualTimeProvider();
        var feature = Feature("""{"version": "2.0", "requestContext": {}}""", new LambdaInvocation("id", clock.GetUtcNow().AddSeconds(10), null), clock);

        Assert.Equal(TimeSpan.FromSeconds(10), feature.RemainingTime);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(6), feature.RemainingTime);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, feature.RemainingTime);
    }

    [Fact]
    public void The_request_context_outlives_the_event_document()
    {
        using var proxyEvent = JsonDocument.Parse("""{"httpMethod": "GET", "requestContext": {"requestId": "r-1", "authorizer": {"principalId": "p-1"}}}""");
        var feature = new LambdaInvocationFeature(
            new LambdaInvocation(null, null, null), InvocationFeatureHostFixture.Function, LambdaEventFormat.ApiGatewayRest, proxyEvent.RootElement, TimeProvider.System);
        proxyEvent.Dispose();

        Assert.Equal("r-1", feature.RequestContext.GetProperty("requestId").GetString());
        Assert.Equal("p-1", feature.AuthorizerClaims["principalId"]);
    }

    [Fact]
    public void An_event_without_a_request_context_has_an_undefined_one()
    {
        var feature = Feature("""{"httpMethod": "GET", "path": "/"}""", new LambdaInvocation(null, null, null), TimeProvider.System);

        Assert.Equal(JsonValueKind.Undefined, feature.RequestContext.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, feature.Authorizer.ValueKind);
        Assert.Empty(feature.AuthorizerClaims);
    }

    [Fact]
    public void The_reserved_variables_are_read_as_Lambda_sets_them()
    {
        var set = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "todo-api",
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024",
        };

        Assert.Equal(new LambdaFunctionVariables("todo-api", "$LATEST", 1024), LambdaFunctionVariables.Read(set.GetValueOrDefault));
        Assert.Equal(new LambdaFunctionVariables(null, null, null), LambdaFunctionVariables.Read(_ => null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-128")]
    [InlineData("512MB")]
    [InlineData("99999999999")]
    public void A_memory_size_that_is_no_positive_number_is_unknown(string memorySize)
    {
        var variables = LambdaFunctionVariables.Read(name => name == "AWS_LAMBDA_FUNCTION_MEMORY_SIZE" ? memorySize : string.Empty);

        Assert.Equal(new LambdaFunctionVariables(null, null, null), variables);
    }

    private static Dictionary<string, string> Claims(JsonElement seen) =>
        seen.GetProperty("authorizerClaims").EnumerateObject().ToDictionary(claim => claim.Name, claim => claim.Value.GetString()!);

    private static LambdaInvocationFeature Feature(string proxyEvent, LambdaInvocation invocation, TimeProvider clock)
    {
        using var document = JsonDocument.Parse(proxyEvent);
        return new LambdaInvocationFeature(invocation, InvocationFeatureHostFixture.Function, LambdaEventFormat.ApiGatewayHttp, document.RootElement, clock);
    }
}
