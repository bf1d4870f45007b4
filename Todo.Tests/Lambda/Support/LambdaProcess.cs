using System.Collections.Concurrent;
using System.Diagnostics;

namespace Todo.Tests.Lambda.Support;

/// <summary>
/// The published application started as a program inside a pretend execution environment: AWS_LAMBDA_RUNTIME_API
/// pointing at the fake Runtime API, the task root as working directory, its own temp directory.
/// </summary>
public sealed class LambdaProcess : IAsyncDisposable
{
    /// <summary>The uid and gid of "nobody" on Debian.</summary>
    public const int NobodyId = 65534;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errorOutput = new();

    public LambdaProcess(string taskRoot, string tempDirectory, string runtimeApi, IReadOnlyDictionary<string, string?> environment)
    {
        // `dotnet Todo.Api.dll` with the dotnet that runs these tests, wherever CI installed it.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

        // Lambda runs functions as an unprivileged user, for whom file modes hold (root ignores them): as root
        // (CI), the function runs as nobody.
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("setpriv", [$"--reuid={NobodyId}", $"--regid={NobodyId}", "--clear-groups", "--", dotnet, Path.Combine(taskRoot, "Todo.Api.dll")])
            : new ProcessStartInfo(dotnet, [Path.Combine(taskRoot, "Todo.Api.dll")]);
        start.WorkingDirectory = taskRoot;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var inherited in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ConnectionStrings__Todo", "AWS_LAMBDA_MAX_CONCURRENCY" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        start.Environment["LAMBDA_TASK_ROOT"] = taskRoot;
        start.Environment["TMPDIR"] = tempDirectory;
        start.Environment["HOME"] = tempDirectory;
        // No Lambda__* settings: the published appsettings.json must be enough to find and copy the bundled database.
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Record(line.Data);
        _process.ErrorDataReceived += (_, line) =>
        {
            Record(line.Data);
            if (line.Data is not null)
            {
                _errorOutput.Enqueue(line.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Stdout and stderr, interleaved as they arrived.</summary>
    public IReadOnlyCollection<string> Output => [.. _output];

    /// <summary>Stderr alone (complete once the process has exited).</summary>
    public IReadOnlyCollection<string> ErrorOutput => [.. _errorOutput];

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Stops the program the way Lambda does at shutdown: SIGTERM, then waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
