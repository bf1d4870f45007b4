using Todo.Lambda;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// <c>Lambda:WarmUpPaths</c>: GET requests through the real per-request path (a request scope, the whole pipeline)
/// while the function initializes, before its first invocation; whatever they answer, the init goes on. The Runtime
/// API loop's side (and the log lines) are in <see cref="RuntimeApiEndToEndTests"/>.
/// </summary>
public sealed class WarmUpAtInitTests
{
    [Fact]
    public async Task Without_warm_up_paths_no_request_runs_at_init()
    {
        await using var host = new LambdaTestHost(LambdaProbes.Routes);

        Assert.Empty(host.ProbedRequests);
    }

    [Fact]
    public async Task Warm_up_paths_run_through_the_pipeline_each_in_a_request_scope_before_the_first_invocation()
    {
        await using var host = new LambdaTestHost(
            LambdaProbes.Routes, "--Lambda:WarmUpPaths:0=/health", "--Lambda:WarmUpPaths:1=/todos?page=1");

        // The handler is constructed, so the init is over, and nothing has been invoked yet.
        var warmUps = host.ProbedRequests.ToList();
        Assert.Equal(["/health", "/todos"], warmUps.Select(request => request.Path));
        Assert.Equal(["warm-up-1", "warm-up-2"], warmUps.Select(request => request.TraceIdentifier));
        Assert.All(warmUps, request =>
        {
            Assert.Equal("GET", request.Method);
            Assert.Equal(LambdaWarmUp.UserAgent, request.UserAgent);
            Assert.True(request.HasRequestScope);
        });

        // The first invocation comes after them, like any other.
        var response = await host.InvokeFileAsync(LambdaTestPaths.Own("v2-get-health.json"));
        Assert.Equal(200, response.Status());
        Assert.Equal("/health", host.ProbedRequests.Last().Path);
        Assert.Equal(3, host.ProbedRequests.Count);
    }

    [Fact]
    public async Task A_failing_hanging_or_malformed_warm_up_path_does_not_fail_the_init_and_the_next_paths_still_run()
    {
        // Bounded, so that a warm-up that ignored its timeout fails the test instead of hanging it.
        var host = await Task.Run(() => new LambdaTestHost(
            LambdaProbes.Routes,
            "--Lambda:WarmUpPaths:0=/__probe/throw",
            "--Lambda:WarmUpPaths:1=/__probe/wait",
            "--Lambda:WarmUpPaths:2=health",
            "--Lambda:WarmUpPaths:3=/health",
            "--Lambda:WarmUpRequestTimeout=00:00:00.200")).WaitAsync(TimeSpan.FromSeconds(60));
        await using (host)
        {
            // "health" is no path and is skipped; the throwing and the hanging one were answered 500 and 504 (aborted
            // at the timeout), and the init went on to the last one.
            Assert.Equal(["/__probe/throw", "/__probe/wait", "/health"], host.ProbedRequests.Select(request => request.Path));

            var response = await host.InvokeFileAsync(LambdaTestPaths.Own("v1-head-health.json"));
            Assert.Equal(200, response.Status());
        }
    }
}
