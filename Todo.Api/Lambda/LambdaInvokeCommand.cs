using Microsoft.Extensions.Options;

namespace Todo.Api.Lambda;

/// <summary>
/// <c>Todo.Api invoke &lt;event.json | -&gt; [host arguments]</c>: runs one event through the same entry point and
/// prints the proxy response on stdout, as <c>sam local invoke</c> would; logs go to stderr.
/// </summary>
internal static class LambdaInvokeCommand
{
    public const string Name = "invoke";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length < 2)
        {
            await error.WriteLineAsync("Usage: Todo.Api invoke <event.json | -> [host arguments]");
            return 2;
        }

        byte[] payload;
        try
        {
            payload = args[1] == "-"
                ? await ReadStandardInputAsync(cancellationToken)
                : await File.ReadAllBytesAsync(args[1], cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot read the event: {exception.Message}");
            return 2;
        }

        LambdaEntryPoint entryPoint;
        try
        {
            entryPoint = new LambdaEntryPoint(args[2..], logToStandardError: true, configureHost: null);
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException)
        {
            // Configuration mistakes get one plain sentence, as Program.Main gives them.
            await error.WriteLineAsync($"Todo API cannot start: {exception.Message}");
            return 1;
        }

        await using var disposeEntryPoint = entryPoint;
        try
        {
            var invocation = new LambdaInvocation(Guid.NewGuid().ToString(), Deadline: null, TraceId: null);
            var response = await entryPoint.InvokeAsync(payload, invocation, cancellationToken);
            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(response));
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
