using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The published package, started as a program against the Runtime API server inside the test, when something goes
/// wrong outside an invocation: the start fails (Lambda must be told through <c>/runtime/init/error</c>), or the
/// Runtime API itself fails (the process must not end as if all were well). Either way the process exits 1 with one
/// line on stderr, as anywhere else. Linux only, like Lambda.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(nameof(PublishedPackage))]
public sealed class RuntimeApiFailureTests(PublishedPackageFixture package) : PublishedPackageTest(package)
{
    private const string Password = "hunter2-not-in-any-line";

    [Theory]
    [InlineData("missing signing key", "Jwt:SigningKey is missing.")]
    [InlineData("setting that does not bind", "Failed to convert configuration value 'Bogus' at 'Lambda:EventFormat'")]
    [InlineData("temp directory not writable", "Access to the path")]
    [InlineData("database out of reach", "Failed to connect to 127.0.0.1:")]
    public async Task A_failed_start_is_posted_once_to_init_error_with_the_line_the_process_prints_and_exits_1(string failure, string cause)
    {
        var environment = new Dictionary<string, string?>();
        switch (failure)
        {
            case "missing signing key":
                environment["Jwt__SigningKey"] = null;
                break;
            case "setting that does not bind":
                environment["Lambda__EventFormat"] = "Bogus";
                break;
            case "temp directory not writable":
                // The bundled database is copied there at start.
                File.SetUnixFileMode(ExecutionEnvironment.TempDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                break;
            case "database out of reach":
                // The start-up migration, a hosted service, fails.
                environment["Database__Provider"] = "Postgres";
                environment["ConnectionStrings__Todo"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=todo;Password={Password};Database=todo;Timeout=5";
                break;
        }

        await using var function = StartFunction(environment);

        Assert.Equal(1, await function.WaitForExitAsync(Patience));
        var line = Assert.Single(function.ErrorOutput);
        Assert.StartsWith("Todo API cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(cause, line, StringComparison.Ordinal);

        // Once, with the same one line (no stack trace), as Lambda's error document; the init never completed.
        var initError = Assert.Single(RuntimeApi.InitErrors);
        Assert.Equal("Runtime.InitError", initError.ErrorType);
        using var error = JsonDocument.Parse(initError.Body);
        Assert.Equal(line["Todo API cannot start: ".Length..], error.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(0, error.RootElement.GetProperty("stackTrace").GetArrayLength());
        Assert.DoesNotContain("invocation/next", RuntimeApi.Calls);
        Assert.DoesNotContain(function.Output, output => output.Contains(Password, StringComparison.Ordinal));
        Assert.DoesNotContain(Password, initError.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_start_with_the_Runtime_API_out_of_reach_still_names_its_own_cause_first()
    {
        var port = ClosedPort();
        await using var function = StartFunction(new Dictionary<string, string?> { ["Jwt__SigningKey"] = null }, $"127.0.0.1:{port}");

        Assert.Equal(1, await function.WaitForExitAsync(Patience));
        var line = Assert.Single(function.ErrorOutput);
        Assert.StartsWith("Todo API cannot start: Jwt:SigningKey is missing.", line, StringComparison.Ordinal);
        Assert.Contains($"The Lambda Runtime API at 127.0.0.1:{port} did not answer POST /2018-06-01/runtime/init/error.", line, StringComparison.Ordinal);
        Assert.Contains("Connection refused", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_nothing_listening_at_the_Runtime_API_address_the_process_exits_1_with_one_line_naming_the_address_and_the_cause()
    {
        var port = ClosedPort();
        await using var function = StartFunction(runtimeApi: $"127.0.0.1:{port}");

        Assert.Equal(1, await function.WaitForExitAsync(Patience));
        var line = Assert.Single(function.ErrorOutput);
        Assert.Equal($"Todo API stopped: The Lambda Runtime API at 127.0.0.1:{port} did not answer GET /2018-06-01/runtime/invocation/next. Connection refused (127.0.0.1:{port}).", line);
    }

    [Fact]
    public async Task A_response_the_Runtime_API_refuses_as_too_large_fails_that_invocation_and_the_next_one_is_served()
    {
        await using var function = StartFunction();

        var refused = RuntimeApi.Enqueue(Health(), requestId: "too-large-request-id", refuseResponseWith: 413);
        var failed = await refused.Answered.WaitAsync(Patience);
        var served = await RuntimeApi.InvokeAsync(Health(), requestId: "next-request-id");
        await function.StopAsync();

        // The invocation got Lambda's own error for a response over its limit...
        Assert.Equal("error", failed.Kind);
        Assert.Equal("Function.ResponseSizeTooLarge", failed.ErrorType);
        using (var error = JsonDocument.Parse(failed.Body))
        {
            Assert.Equal("Function.ResponseSizeTooLarge", error.RootElement.GetProperty("errorType").GetString());
        }

        // ...after the refused response, and the loop went on to the next invocation.
        Assert.Equal(
            [RuntimeApiStep.HandedOut, RuntimeApiStep.Refused, RuntimeApiStep.Answered, RuntimeApiStep.Acknowledged],
            RuntimeApi.Journal.Where(entry => entry.RequestId == "too-large-request-id").Select(entry => entry.Step));
        Assert.Equal("response", served.Kind);
        Assert.Equal(0, function.ExitCode);
        Assert.Empty(function.ErrorOutput);
        Assert.Contains(function.Output, line => line.Contains("too large for the Runtime API", StringComparison.Ordinal) && line.Contains("\"AwsRequestId\":\"too-large-request-id\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Runtime_API_that_fails_a_response_with_500_ends_the_process_with_exit_1_and_one_line_naming_it()
    {
        await using var function = StartFunction();

        RuntimeApi.Enqueue(Health(), requestId: "failed-request-id", refuseResponseWith: 500);

        Assert.Equal(1, await function.WaitForExitAsync(Patience));
        var line = Assert.Single(function.ErrorOutput);
        Assert.Equal(
            $"Todo API stopped: The Lambda Runtime API at {RuntimeApi.Address} answered POST /2018-06-01/runtime/invocation/failed-request-id/response with 500 Internal Server Error (Test.Refused: The response was refused with 500).",
            line);

        // "Non-recoverable state. Runtime should exit promptly": no poll after the failure.
        Assert.Single(RuntimeApi.Calls, call => call == "invocation/next");
        Assert.Empty(RuntimeApi.InitErrors);
    }

    private static string Health() => EventFile.Read(LambdaTestPaths.Own("v2-get-health.json"));

    /// <summary>A loopback port nothing listens on (just given back by a listener).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
