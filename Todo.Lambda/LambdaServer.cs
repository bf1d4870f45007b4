using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Todo.Lambda;

/// <summary>
/// The in-process <see cref="IServer"/> that replaces Kestrel on Lambda: no sockets, one request per invocation.
/// The host starts it like any server; the entry point then hands it translated requests and reads the responses.
/// </summary>
internal sealed partial class LambdaServer(LambdaProblemResponses problems, ILogger<LambdaServer> logger) : IServer
{
    private Func<LambdaHttpFeatures, Task>? _process;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _process = features => ProcessAsync(application, features);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    /// <summary>
    /// Runs the request through the application's pipeline. An exception that escapes the pipeline, even after the
    /// application started writing, replaces the whole response with a 500 problem response.
    /// </summary>
    public async Task<ProxyResponse> HandleAsync(ProxyRequest request, ILambdaInvocationFeature invocation, int maxResponseBytes, CancellationToken requestAborted)
    {
        var process = _process ?? throw new InvalidOperationException("The Lambda server has not been started by the host.");
        await using var features = new LambdaHttpFeatures(request, invocation.RequestId, maxResponseBytes, requestAborted);
        features.Features.Set<ILambdaInvocationFeature>(invocation);
        Exception? failure = null;
        try
        {
            await process(features);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        var deadlineReached = features.DeadlineReached || (failure is OperationCanceledException && requestAborted.IsCancellationRequested);
        var overflowed = features.ResponseOverflowed;
        if (failure is not null || deadlineReached || overflowed)
        {
            features.DiscardResponse();
            return await InApplicationContext(features.ApplicationContext, () =>
            {
                if (deadlineReached)
                {
                    LogDeadlineReached(logger, request.Method, request.Path);
                    return problems.DeadlineReachedAsync(request, invocation, features.TraceIdentifier);
                }

                if (failure is not null)
                {
                    LogUnhandledException(logger, failure, request.Method, request.Path);
                    return problems.UnhandledExceptionAsync(request, invocation, features.TraceIdentifier);
                }

                LogResponseTooLarge(logger, request.Method, request.Path, maxResponseBytes);
                return problems.TooLargeAsync(request, invocation, features.TraceIdentifier);
            });
        }

        var status = features.StatusCode;
        var bodyless = HttpMethods.IsHead(request.Method)
            || status == StatusCodes.Status204NoContent
            || status == StatusCodes.Status304NotModified;
        return new ProxyResponse
        {
            StatusCode = status,
            Headers = features.ResponseHeaders,
            Body = bodyless ? ReadOnlyMemory<byte>.Empty : features.ResponseBody.ToArray(),
            TraceIdentifier = features.TraceIdentifier,
            ApplicationContext = features.ApplicationContext,
        };
    }

    /// <summary>
    /// Runs what the adapter writes about a request after the application is done with it (a log line, a problem
    /// response) in the application's last context, so that both carry the request's correlation id and trace id.
    /// </summary>
    public static Task<ProxyResponse> InApplicationContext(ExecutionContext? context, Func<Task<ProxyResponse>> write)
    {
        if (context is null)
        {
            return write();
        }

        Task<ProxyResponse>? written = null;
        ExecutionContext.Run(context, _ => written = write(), null);
        return written!;
    }

    private async Task ProcessAsync<TContext>(IHttpApplication<TContext> application, LambdaHttpFeatures features)
        where TContext : notnull
    {
        var context = application.CreateContext(features.Features);
        features.RememberApplicationContext();
        Exception? failure = null;
        try
        {
            await application.ProcessRequestAsync(context);

            // Like Kestrel at the end of a request: run OnStarting if nothing was written, flush the pipe writer.
            await features.CompleteAsync();
        }
        catch (Exception exception)
        {
            failure = exception;
            throw;
        }
        finally
        {
            try
            {
                await features.RunOnCompletedAsync();
            }
            catch (Exception exception)
            {
                // The response is already decided; a failing completion callback must not change it.
                LogOnCompletedFailed(logger, exception);
            }

            application.DisposeContext(context, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception while processing {Method} {Path}; answering 500.")]
    private static partial void LogUnhandledException(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} was cancelled at the invocation deadline; answering 504.")]
    private static partial void LogDeadlineReached(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The response to {Method} {Path} is larger than {Limit} bytes; answering 500.")]
    private static partial void LogResponseTooLarge(ILogger logger, string method, string path, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A response OnCompleted callback failed.")]
    private static partial void LogOnCompletedFailed(ILogger logger, Exception exception);
}
