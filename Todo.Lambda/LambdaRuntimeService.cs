namespace Todo.Lambda;

/// <summary>
/// Our own runtime: when the program starts inside a Lambda execution environment (<c>AWS_LAMBDA_RUNTIME_API</c>
/// set: the managed <c>dotnet10</c> runtime with an executable-assembly handler, <c>provided.al2023</c> through
/// <c>bootstrap</c>, or a container image), it fetches and answers invocations, once the application has started,
/// until the host shuts down (SIGTERM).
/// </summary>
internal sealed partial class LambdaRuntimeService(
    LambdaRuntimeApiClient runtimeApi,
    LambdaInvoker invoker,
    IHostApplicationLifetime lifetime,
    ILogger<LambdaRuntimeService> logger) : BackgroundService
{
    private const string InitializationTypeVariable = "AWS_LAMBDA_INITIALIZATION_TYPE";
    private const string SnapStartInitialization = "snap-start";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start before the server; an invocation needs the whole application.
        if (!await LambdaHosting.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(InitializationTypeVariable) == SnapStartInitialization)
        {
            // The init (the warm-up included) is done: Lambda snapshots the environment during this call.
            await runtimeApi.WaitForRestoreAsync(stoppingToken);
            LogRestored(logger);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (payload, invocation) = await runtimeApi.GetNextInvocationAsync(stoppingToken);

                // The X-Ray SDK and AWS SDKs read the trace header of the current invocation from here.
                Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
                await InvokeOnceAsync(payload, invocation, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // SIGTERM can land anywhere: waiting for the next event, or while posting an answer.
                // Either way it means stop, cleanly, not crash.
                break;
            }
        }
    }

    /// <summary>One invocation: its response, or its error; either way the loop goes on.</summary>
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
            using (logger.BeginScope(new Dictionary<string, object> { ["AwsRequestId"] = requestId }))
            {
                LogInvocationFailed(logger, exception);
            }

            var errorType = exception is LambdaEventFormatException ? "Runtime.InvalidEvent" : "Runtime.UnhandledException";
            await runtimeApi.PostInvocationErrorAsync(requestId, errorType, exception, stoppingToken);
            return;
        }

        await runtimeApi.PostResponseAsync(requestId, response, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed from the SnapStart snapshot.")]
    private static partial void LogRestored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The invocation failed and is reported to the Runtime API.")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception);
}
