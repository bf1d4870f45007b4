using System.Runtime.InteropServices;

namespace Todo.Api.Lambda;

/// <summary>Program.Main's way into Lambda mode: the Runtime API loop, or the local invoke command.</summary>
public static class LambdaHosting
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>True when the program runs inside a Lambda execution environment or is asked to invoke an event.</summary>
    public static bool IsRequested(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return IsInvokeCommand(args) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RuntimeApiVariable));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var shutdown = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, shutdown));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, shutdown));

        if (IsInvokeCommand(args))
        {
            return await LambdaInvokeCommand.RunAsync(args, Console.Out, Console.Error, shutdown.Token);
        }

        return await LambdaRuntimeLoop.RunAsync(Environment.GetEnvironmentVariable(RuntimeApiVariable)!, args, shutdown.Token);
    }

    private static bool IsInvokeCommand(string[] args) => args.Length > 0 && args[0] == LambdaInvokeCommand.Name;

    private static void Stop(PosixSignalContext signal, CancellationTokenSource shutdown)
    {
        // Stop asking for events and stop the host cleanly (flushing logs) instead of dying where we stand.
        signal.Cancel = true;
        shutdown.Cancel();
    }
}
