using System.Text;

namespace Todo.Lambda;

/// <summary>
/// <c>&lt;program&gt; invoke &lt;event.json | -&gt; [host arguments]</c>: once the application has started, runs one event
/// through the same invoker as Lambda would and prints the proxy response on stdout, as <c>sam local invoke</c>
/// does (logs go to stderr); then stops the application with exit code 0, 1 (the event is not a proxy event) or 2
/// (no event to read). The program returns <see cref="Environment.ExitCode"/>.
/// </summary>
internal sealed class LambdaInvokeCommand(
    string? eventPath, LambdaInvoker invoker, IHostApplicationLifetime lifetime, TextWriter output, TextWriter error) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await LambdaHosting.WhenStartedAsync(lifetime, stoppingToken))
        {
            Environment.ExitCode = await RunAsync(stoppingToken);
            lifetime.StopApplication();
        }
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (eventPath is null)
        {
            await error.WriteLineAsync($"Usage: <program> {LambdaHosting.InvokeCommandName} <event.json | -> [host arguments]");
            return 2;
        }

        byte[] payload;
        try
        {
            payload = eventPath == "-"
                ? await ReadStandardInputAsync(cancellationToken)
                : await File.ReadAllBytesAsync(eventPath, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot read the event: {exception.Message}");
            return 2;
        }

        try
        {
            var invocation = new LambdaInvocation(Guid.NewGuid().ToString(), Deadline: null, TraceId: null);
            var response = await invoker.InvokeAsync(payload, invocation, cancellationToken);
            await output.WriteLineAsync(Encoding.UTF8.GetString(response));
            return 0;
        }
        catch (LambdaEventFormatException exception)
        {
            await error.WriteLineAsync($"The invocation failed: {exception.Message}");
            return 1;
        }
    }

    private static async Task<byte[]> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using var input = Console.OpenStandardInput();
        await input.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
