using System.Text.Json.Nodes;
using Todo.Api.Infrastructure;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// On Lambda a request without a valid X-Correlation-Id of its own gets API Gateway's request id, in the contract's
/// alphabet (1 to 128 of <c>A-Z a-z 0-9 . _ : -</c>): HTTP APIs' base64 ids become base64url without padding.
/// </summary>
public sealed class LambdaCorrelationIdTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    private const string Rule = "^[A-Za-z0-9._:-]{1,128}$";

    public static TheoryData<string> Samples() => [.. Directory.GetFiles(LambdaTestPaths.UpstreamEvents, "*.json").Select(path => Path.GetFileName(path)).Order()];

    public static TheoryData<string, string?> RequestIds => new()
    {
        { "JZ5xvhWgoAMEJSA=", "JZ5xvhWgoAMEJSA" },
        { "JZ5x+hWg/AMEJS==", "JZ5x-hWg_AMEJS" },
        { "f705df8a-1dea-11e8-8c32-e5fe822e2654", "f705df8a-1dea-11e8-8c32-e5fe822e2654" },
        { "id=", "id" },
        { "an id; with <odd> chars", "anidwithoddchars" },
        { new string('a', 200), new string('a', 128) },
        { "==", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(RequestIds))]
    public void A_request_id_becomes_a_correlation_id_that_keeps_the_rule(string requestId, string? expected)
    {
        var correlationId = CorrelationId.FromRequestId(requestId);

        Assert.Equal(expected, correlationId);
        if (correlationId is not null)
        {
            Assert.Matches(Rule, correlationId);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_AWS_sample_is_answered_with_its_request_id_as_a_correlation_id_that_keeps_the_rule(string file)
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(LambdaTestPaths.Upstream(file)))!;

        var response = await fixture.Host.InvokeAsync(sample.ToJsonString());

        var correlationId = Assert.Single(response.Header("X-Correlation-Id"));
        Assert.Matches(Rule, correlationId);

        // ALB sends no request id: the invocation's (Lambda's) is used. The samples' ids have no + or /.
        if (sample["requestContext"]?["requestId"]?.GetValue<string>() is { } requestId)
        {
            Assert.Equal(requestId.TrimEnd('='), correlationId);
        }
        else
        {
            Assert.StartsWith("test-", correlationId, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_HTTP_API_request_id_with_plus_slash_and_padding_is_answered_in_base64url()
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(LambdaTestPaths.Upstream("v2-get-cookies-dotnet.json")))!;
        sample["requestContext"]!["requestId"] = "J7jk+g/7oAMEJGw=";

        var response = await fixture.Host.InvokeAsync(sample.ToJsonString());

        Assert.Equal(["J7jk-g_7oAMEJGw"], response.Header("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_valid_correlation_id_sent_through_API_Gateway_is_kept()
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(LambdaTestPaths.Upstream("v2-get-cookies-dotnet.json")))!;
        sample["headers"]!["x-correlation-id"] = "client-chosen:42";

        var response = await fixture.Host.InvokeAsync(sample.ToJsonString());

        Assert.Equal(["client-chosen:42"], response.Header("X-Correlation-Id"));
    }
}
