using System.Net;
using System.Runtime.ExceptionServices;

namespace Todo.Lambda;

/// <summary>
/// Our own runtime: when the program starts inside a Lambda execution environment (<c>AWS_LAMBDA_RUNTIME_API</c>
/// set: the managed <c>dotnet10</c> runtime with an executable-assembly handler, <c>provided.al2023</c> through
/// <c>bootstrap</c>, or a container image), it fetches and answers invocations, once the application has started,
/// until the host shuts down (SIGTERM). On Lambda Managed Instances it serves several at once, through the same
/// application: as many poll loops as <see cref="LambdaMaxConcurrency"/> says, each answering the invocations it
/// fetched. A Runtime API it cannot go on with (unreachable, or answering with an error other than a response too
/// large) ends the host with that failure: <c>app.RunAsync()</c> throws it, so the program exits non-zero saying why.
/// </summary>
internal sealed partial class LambdaRuntimeService(
    LambdaRuntimeApiClient runtimeApi,
    LambdaInvoker invoker,
    LambdaFunctionVariables function,
    IHostApplicationLifetime lifetime,
    ILogger<LambdaRuntimeService> logger) : BackgroundService
{
    private const string InitializationTypeVariable = "AWS_LAMBDA_INITIALIZATION_TYPE";
    private const string SnapStartInitialization = "snap-start";
    private const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>The error type Lambda itself gives an invocation whose response is over its payload limit.</summary>
    private const string ResponseTooLargeErrorType = "Function.ResponseSizeTooLarge";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start before the server; an invocation needs the whole application.
        if (!await LambdaHosting.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        try
        {
            await ServeAsync(stoppingToken);
        }
        catch
        {
            // Whatever the host's BackgroundServiceExceptionBehavior: without its loops the process serves nothing.
            lifetime.StopApplication();
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // The host only logs a failed background service, stops, and returns normally: the process would exit 0 and
        // Lambda would see a runtime that simply ended. Rethrown from here, the failure comes out of the host's
        // StopAsync and so out of app.RunAsync(), to the program's own handling of a failed run.
        if (ExecuteTask is { IsFaulted: true, Exception.InnerException: { } failure })
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>The restore under SnapStart, then the poll loops, until SIGTERM or a Runtime API failure.</summary>
    private async Task ServeAsync(CancellationToken stoppingToken)
    {
        if (Environment.GetEnvironmentVariable(InitializationTypeVariable) == SnapStartInitialization)
        {
            // The init (the warm-up included) is done: Lambda snapshots the environment during this call.
            await runtimeApi.WaitForRestoreAsync(stoppingToken);
            LogRestored(logger);
        }

        var concurrency = LambdaMaxConcurrency.FromEnvironment();
        if (concurrency.Correction is { } correction)
        {
            LogConcurrencyCorrected(logger, correction, Environment.GetEnvironmentVariable(LambdaMaxConcurrency.Variable), concurrency.Invocations);
        }

        // The X-Ray SDK and AWS SDKs read the current invocation's trace header from a process-wide variable: right
        // while one invocation runs at a time, a race between them when several do, so then it is left unset.
        var setsTraceIdVariable = concurrency.Invocations == 1;
        LogServing(logger, concurrency.Invocations, setsTraceIdVariable);

        // Stopping polls on SIGTERM, and in every loop when one of them finds the Runtime API failing.
        using var polling = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loops = new Task[concurrency.Invocations];
        for (var loop = 0; loop < loops.Length; loop++)
        {
            loops[loop] = Task.Run(() => PollAsync(setsTraceIdVariable, polling, stoppingToken), CancellationToken.None);
        }

        // A loop's failure ends the service (and the host) only once every loop has finished the invocation it holds.
        await Task.WhenAll(loops);
    }

    /// <summary>One poll loop: the next invocation, its answer, again, until polling stops.</summary>
    private async Task PollAsync(bool setsTraceIdVariable, CancellationTokenSource polling, CancellationToken stoppingToken)
    {
        try
        {
            while (!polling.IsCancellationRequested)
            {
                byte[] payload;
                LambdaInvocation invocation;
                try
                {
                    (payload, invocation) = await runtimeApi.GetNextInvocationAsync(polling.Token);
                }
                catch (OperationCanceledException) when (polling.IsCancellationRequested)
                {
                    return;
                }

                if (setsTraceIdVariable)
                {
                    Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
                }

                // Once fetched, an invocation is answered even if another loop fails meanwhile: only SIGTERM abandons it.
                await InvokeOnceAsync(payload, invocation, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // SIGTERM can land anywhere: waiting for the next event, or while posting an answer.
            // Either way it means stop, cleanly, not crash.
        }
        catch (Exception exception)
        {
            // The Runtime API could not be reached, or refused or failed a request (its 500 says "non-recoverable
            // state, runtime should exit promptly"; Lambda then starts a new environment): no loop fetches another
            // invocation.
            LogRuntimeApiFailed(logger, exception);
            await polling.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// One invocation: its response, or its error (also when the Runtime API finds the response too large); either way
    /// the loop goes on, unless the Runtime API itself fails.
    /// </summary>
    private async Task InvokeOnceAsync(byte[] payload, LambdaInvocation invocation, CancellationToken stoppingToken)
    {
        var requestId = invocation.RequestId!;
        byte[] response;
        try
        {
            response = await invoker.InvokeAsync(payload, invocation, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            using (logger.BeginScope(LambdaLogScope.For(invocation, function, coldStart: null)))
            {
                LogInvocationFailed(logger, exception);
            }

            var errorType = exception is LambdaEventFormatException ? "Runtime.InvalidEvent" : "Runtime.UnhandledException";
            await runtimeApi.PostInvocationErrorAsync(requestId, errorType, exception, stoppingToken);
            return;
        }

        try
        {
            await runtimeApi.PostResponseAsync(requestId, response, stoppingToken);
        }
        catch (LambdaRuntimeApiException refused) when (refused.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            // Lambda's answer to a response over its payload limit, which the invoker's own limit should have kept
            // from happening. The Runtime API's specification tells it apart from its 500 ("non-recoverable state"):
            // it is about this response only, so the invocation still takes its error and the environment goes on.
            using (logger.BeginScope(LambdaLogScope.For(invocation, function, coldStart: null)))
            {
                LogResponseTooLarge(logger, response.Length, refused.Message);
                await PostResponseTooLargeAsync(requestId, response.Length, stoppingToken);
            }
        }
    }

    /// <summary>Fails the invocation as Lambda would have; if the Runtime API will not take that either, the loop still goes on.</summary>
    private async Task PostResponseTooLargeAsync(string requestId, int size, CancellationToken stoppingToken)
    {
        try
        {
            await runtimeApi.PostInvocationErrorAsync(
                requestId, ResponseTooLargeErrorType, $"The response of {size} bytes is over the payload limit of the Lambda Runtime API.", stoppingToken);
        }
        catch (LambdaRuntimeApiException refused) when (refused.StatusCode is { } status && (int)status is >= 400 and < 500)
        {
            // Lambda may have closed the invocation with its own error already: the Runtime API still works.
            LogErrorRefused(logger, refused.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed from the SnapStart snapshot.")]
    private static partial void LogRestored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving invocations {MaxConcurrency} at a time; setting _X_AMZN_TRACE_ID per invocation: {SetsTraceIdVariable}.")]
    private static partial void LogServing(ILogger logger, int maxConcurrency, bool setsTraceIdVariable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Correction} (\"{Value}\"): serving invocations {MaxConcurrency} at a time.")]
    private static partial void LogConcurrencyCorrected(ILogger logger, string correction, string? value, int maxConcurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "The invocation failed and is reported to the Runtime API.")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The response of {Size} bytes is too large for the Runtime API ({Reason}); the invocation is failed as Function.ResponseSizeTooLarge.")]
    private static partial void LogResponseTooLarge(ILogger logger, int size, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Runtime API did not take the invocation's error: {Reason}")]
    private static partial void LogErrorRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Runtime API failed a request; no further invocations are fetched.")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception);
}
