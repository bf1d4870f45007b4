using System.Diagnostics;
using System.Text.Json;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// <c>Todo.Api invoke &lt;event.json | -&gt;</c> as a user runs it: the real program, one event through the adapter,
/// the proxy response alone on stdout, the logs on stderr, and an exit code that says how it went.
/// </summary>
public sealed class InvokeCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-invoke-tests-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task An_event_file_prints_its_proxy_response_alone_on_stdout_and_exits_0()
    {
        var (exitCode, stdout, stderr) = await InvokeAsync([LambdaTestPaths.Own("v2-get-health.json")]);

        Assert.Equal(0, exitCode);
        using var response = JsonDocument.Parse(stdout);
        Assert.Equal(200, response.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Contains("Healthy", response.RootElement.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("GET /health responded 200", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_on_stdin_is_read_with_a_dash()
    {
        var (exitCode, stdout, _) = await InvokeAsync(["-"], stdin: await File.ReadAllTextAsync(LambdaTestPaths.Own("v1-head-health.json")));

        Assert.Equal(0, exitCode);
        using var response = JsonDocument.Parse(stdout);
        Assert.Equal(200, response.RootElement.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task An_event_that_is_not_a_proxy_event_exits_1_and_says_why()
    {
        var (exitCode, stdout, stderr) = await InvokeAsync([LambdaTestPaths.Own("malformed-sqs-event.json")]);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout.Trim());
        Assert.Contains("The invocation failed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_event_file_exits_2()
    {
        var (exitCode, _, stderr) = await InvokeAsync([Path.Combine(_directory.FullName, "missing.json")]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Cannot read the event", stderr, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(string[] arguments, string? stdin = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, [Path.Combine(AppContext.BaseDirectory, "Todo.Api.dll"), "invoke", .. arguments])
        {
            WorkingDirectory = _directory.FullName,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Jwt__SigningKey"] = LambdaTestHost.SigningKey;
        start.Environment["ConnectionStrings__Todo"] = $"Data Source={Path.Combine(_directory.FullName, "todo.db")}";
        start.Environment["Database__BundledSqliteFile"] = string.Empty;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }
}
