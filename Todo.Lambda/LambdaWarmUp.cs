using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>
/// The warm-up at init (<see cref="LambdaHostingOptions.WarmUpPaths"/>): a few GET requests through
/// <see cref="LambdaServer.HandleAsync"/>, exactly as an invocation's request goes (its own request scope, the whole
/// pipeline), so that the first client does not pay for JIT compilation and first-use set-up. It runs when the host
/// has started everything, the server included, and before it reports the application started, which is what the
/// Runtime API loop waits for before its first poll and what the class-library handler's constructor waits for: so
/// always before the first invocation, and under SnapStart before the snapshot, which then holds the warmed code.
/// </summary>
internal sealed partial class LambdaWarmUp(
    LambdaServer server,
    LambdaFunctionVariables function,
    IOptions<LambdaHostingOptions> options,
    TimeProvider timeProvider,
    ILogger<LambdaWarmUp> logger) : IHostedLifecycleService
{
    /// <summary>What the application sees as the client of a warm-up request, so it can tell one apart in its own logs.</summary>
    public const string UserAgent = "Todo.Lambda-warm-up";

    public Task StartedAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var number = 0;
        foreach (var path in settings.WarmUpPaths)
        {
            if (!path.StartsWith('/'))
            {
                LogNotAPath(logger, path);
                continue;
            }

            var request = Request(path, ++number);
            var started = timeProvider.GetTimestamp();
            try
            {
                using var timeout = new CancellationTokenSource(settings.WarmUpRequestTimeout, timeProvider);
                using var aborted = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                // No invocation and no event behind it: the feature says so (no request id, deadline or request context).
                var invocation = new LambdaInvocationFeature(
                    new LambdaInvocation(RequestId: null, Deadline: null, TraceId: null), function, LambdaEventFormat.ApiGatewayHttp, default, timeProvider);
                var response = await server.HandleAsync(request, invocation, LambdaPayloadLimits.SynchronousResponseBytes, aborted.Token);
                var elapsed = timeProvider.GetElapsedTime(started);
                LogAnswered(logger, path, response.StatusCode, elapsed.TotalMilliseconds);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The server already turns the application's exceptions into 500s; this is for anything else. A
                // warm-up is an optimization: the function must start without it.
                LogFailed(logger, exception, path);
            }
        }
    }

    /// <summary>A GET as a proxy event would give it, from the loopback address, with no credentials.</summary>
    private static ProxyRequest Request(string pathAndQuery, int number)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return new ProxyRequest
        {
            Method = HttpMethods.Get,
            Path = PathString.FromUriComponent(query < 0 ? pathAndQuery : pathAndQuery[..query]).Value ?? "/",
            QueryString = query < 0 ? string.Empty : pathAndQuery[query..],
            Headers = new HeaderDictionary
            {
                [HeaderNames.Host] = "localhost",
                [HeaderNames.Accept] = "*/*",
                [HeaderNames.UserAgent] = UserAgent,
            },
            TraceIdentifier = $"warm-up-{number}",
            RemoteIpAddress = IPAddress.Loopback,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "warm-up GET {Path} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogAnswered(ILogger logger, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "warm-up GET {Path} failed; the function starts without it")]
    private static partial void LogFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "warm-up path '{Path}' does not start with '/'; skipped")]
    private static partial void LogNotAPath(ILogger logger, string path);
}
