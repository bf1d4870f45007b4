using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// Every AWS sample event against the real application: the samples target routes the Todo API does not have, so
/// each must come back as the application's problem response, in the response shape of the event's integration;
/// the samples for the root are sent to the docs page.
/// </summary>
public sealed class UpstreamEventResponseTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    public static TheoryData<string> Samples() => [.. Directory.GetFiles(LambdaTestPaths.UpstreamEvents, "*.json").Select(path => Path.GetFileName(path)).Order()];

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_sample_gets_the_applications_problem_response_in_its_own_shape(string file)
    {
        var response = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Upstream(file));
        if (IsForTheRoot(file))
        {
            Assert.Equal(302, response.Status());
            Assert.EndsWith("/docs", Assert.Single(response.Header("Location")), StringComparison.Ordinal);
            return;
        }

        // GET /todos without a token is 401; every other sample path is an unknown route.
        var expectedStatus = file == "alb-get-multivalue-query-powertools.json" ? 401 : 404;
        Assert.Equal(expectedStatus, response.Status());
        Assert.Empty(response.Header("Content-Length"));
        Assert.False(response.GetProperty("isBase64Encoded").GetBoolean());
        AssertShape(file, expectedStatus, response);

        Assert.StartsWith("application/problem+json", Assert.Single(response.Header("Content-Type")), StringComparison.Ordinal);
        var problem = response.Json();
        Assert.Equal(expectedStatus, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    private static bool IsForTheRoot(string file)
    {
        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(LambdaTestPaths.Upstream(file)));
        var root = sample.RootElement;
        var path = root.TryGetProperty("rawPath", out var rawPath) ? rawPath.GetString() : root.TryGetProperty("path", out var restPath) ? restPath.GetString() : null;
        return path == "/";
    }

    private static void AssertShape(string file, int expectedStatus, System.Text.Json.JsonElement response)
    {
        if (file.StartsWith("v1-", StringComparison.Ordinal))
        {
            Assert.True(response.TryGetProperty("multiValueHeaders", out _));
            Assert.False(response.TryGetProperty("headers", out _));
        }
        else if (file.StartsWith("v2-", StringComparison.Ordinal))
        {
            Assert.True(response.TryGetProperty("headers", out _));
            Assert.True(response.TryGetProperty("cookies", out _));
        }
        else
        {
            Assert.Equal($"{expectedStatus} {(expectedStatus == 401 ? "Unauthorized" : "Not Found")}", response.GetProperty("statusDescription").GetString());
            var multiValueMode = file != "alb-healthcheck-dotnet.json" && file != "alb-post-base64-body-sam.json";
            Assert.Equal(multiValueMode, response.TryGetProperty("multiValueHeaders", out _));
            Assert.Equal(!multiValueMode, response.TryGetProperty("headers", out _));
        }
    }
}
