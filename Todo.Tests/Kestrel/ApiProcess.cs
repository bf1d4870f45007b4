using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Todo.Tests.Kestrel;

/// <summary>
/// The real program on Kestrel: `dotnet Todo.Api.dll` from the test output (where the build copies it), in
/// Production, on a free loopback port, started from the output folder unless a test says otherwise.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    public const string SigningKey = "kestrel-process-tests-signing-key-0123456789";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public IReadOnlyCollection<string> Output => [.. _output];

    /// <summary>The program on a SQLite file.</summary>
    public static Task<ApiProcess> StartAsync(string databasePath, string? workingDirectory = null) =>
        StartAsync(new Dictionary<string, string> { ["ConnectionStrings__Todo"] = $"Data Source={databasePath}" }, workingDirectory: workingDirectory);

    /// <summary>The program on a PostgreSQL database, which other processes may share.</summary>
    public static Task<ApiProcess> StartOnPostgresAsync(string connectionString, string? applicationDirectory = null) =>
        StartAsync(
            new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["ConnectionStrings__Todo"] = connectionString },
            applicationDirectory);

    /// <param name="environment">Settings as environment variables, on top of Production and the signing key.</param>
    /// <param name="applicationDirectory">Where Todo.Api.dll is: the test output (a Debug build) unless given, e.g. a Release publish.</param>
    /// <param name="workingDirectory">The process's current directory: the application directory unless given.</param>
    public static async Task<ApiProcess> StartAsync(
        IReadOnlyDictionary<string, string> environment, string? applicationDirectory = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var process = new Process { StartInfo = StartInfo(environment, baseAddress, applicationDirectory, workingDirectory) };
        var api = new ApiProcess(process, baseAddress);
        process.OutputDataReceived += (_, line) => api.Record(line.Data);
        process.ErrorDataReceived += (_, line) => api.Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(process.HasExited, $"the API exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var health = await probe.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    return api;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        api.Dispose();
        throw new TimeoutException("The API did not become healthy within 60 seconds.");
    }

    /// <summary>The program in a process of its own that is expected not to start: its exit code and every line it wrote.</summary>
    public static async Task<(int ExitCode, List<string> Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var process = Process.Start(StartInfo(environment, new Uri($"http://127.0.0.1:{FreePort()}"), applicationDirectory: null, workingDirectory: null))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return (process.ExitCode, output);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like kill -9.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
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

    private static ProcessStartInfo StartInfo(
        IReadOnlyDictionary<string, string> environment, Uri baseAddress, string? applicationDirectory, string? workingDirectory)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var directory = applicationDirectory ?? AppContext.BaseDirectory;
        var start = new ProcessStartInfo(dotnet, [Path.Combine(directory, "Todo.Api.dll"), "--urls", baseAddress.ToString()])
        {
            WorkingDirectory = workingDirectory ?? directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Jwt__SigningKey"] = SigningKey;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
