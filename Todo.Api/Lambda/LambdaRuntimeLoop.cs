namespace Todo.Api.Lambda;

/// <summary>
/// Our own runtime: when the program starts inside a Lambda execution environment (<c>AWS_LAMBDA_RUNTIME_API</c>
/// set: the <c>provided.al2023</c> runtime through <c>bootstrap</c>, or a container image), it builds the entry point
/// once, then fetches and answers invocations until it is shut down.
/// </summary>
internal static partial class LambdaRuntimeLoop
{
    public static async Task<int> RunAsync(string runtimeApi, string[] args, CancellationToken shutdown)
    {
        using var httpClient = LambdaRuntimeApiClient.CreateHttpClient(runtimeApi);
        var runtimeApiClient = new LambdaRuntimeApiClient(httpClient);

        LambdaEntryPoint entryPoint;
        try
        {
            entryPoint = new LambdaEntryPoint(args, logToStandardError: false, configureHost: null);
        }
        catch (Exception exception)
        {
            // No host, so no logger: write the failure as the same kind of JSON line, then tell Lambda.
            StartupFailureLog.Write(exception);
            await runtimeApiClient.PostInitErrorAsync("Runtime.InitError", exception, shutdown);
            return 1;
        }

        await using (entryPoint)
        {
            while (!shutdown.IsCancellationRequested)
            {
                try
                {
                    var (payload, invocation) = await runtimeApiClient.GetNextInvocationAsync(shutdown);

                    // The X-Ray SDK and AWS SDKs read the trace header of the current invocation from here.
                    Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
                    await InvokeOnceAsync(entryPoint, runtimeApiClient, payload, invocation, shutdown);
                }
                catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
                {
                    // SIGTERM can land anywhere: waiting for the next event, or while posting an answer.
                    // Either way it means stop, cleanly, not crash.
                    break;
                }
            }
        }

        return 0;
    }

    /// <summary>One invocation: its response, or its error; either way the loop goes on.</summary>
    private static async Task InvokeOnceAsync(
        LambdaEntryPoint entryPoint, LambdaRuntimeApiClient runtimeApiClient, byte[] payload, LambdaInvocation invocation, CancellationToken shutdown)
    {
        var requestId = invocation.RequestId!;
        byte[] response;
        try
        {
            response = await entryPoint.InvokeAsync(payload, invocation, shutdown);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            using (entryPoint.Logger.BeginScope(new Dictionary<string, object> { ["AwsRequestId"] = requestId }))
            {
                LogInvocationFailed(entryPoint.Logger, exception);
            }

            var errorType = exception is LambdaEventFormatException ? "Runtime.InvalidEvent" : "Runtime.UnhandledException";
            await runtimeApiClient.PostInvocationErrorAsync(requestId, errorType, exception, shutdown);
            return;
        }

        await runtimeApiClient.PostResponseAsync(requestId, response, shutdown);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The invocation failed and is reported to the Runtime API.")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception);
}
