using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The package build/package-lambda.sh makes, started as a program the way provided.al2023's bootstrap starts it,
/// against a Runtime API server inside the test: the todo flow, a failing invocation followed by a good one, and a
/// restart that finds its database already in the temp directory (failed starts and a failing Runtime API are in
/// <see cref="RuntimeApiFailureTests"/>). Linux only, like Lambda.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(nameof(PublishedPackage))]
public sealed class RuntimeApiEndToEndTests(PublishedPackageFixture package) : PublishedPackageTest(package)
{
    private string TaskRoot => ExecutionEnvironment.TaskRoot;

    private string TempDirectory => ExecutionEnvironment.TempDirectory;

    [Fact]
    public async Task Serves_the_todo_flow_survives_a_failed_invocation_and_keeps_its_data_across_a_restart()
    {
        var taskRootBefore = Snapshot(TaskRoot);
        var values = new Dictionary<string, string>();

        await using (var function = StartFunction())
        {
            Assert.Equal(201, (await InvokeAsync("v1-signup.json", values)).Status());
            values["token"] = (await InvokeAsync("v1-login.json", values)).Json().GetProperty("accessToken").GetString()!;
            var created = await InvokeAsync("v1-create-todo.json", values, requestId: "create-request-id");
            Assert.Equal(201, created.Status());
            values["id"] = created.Json().GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

            // A payload that is no proxy event fails its invocation, reported through the Runtime API...
            var failed = await RuntimeApi.InvokeAsync(EventFile.Read(LambdaTestPaths.Own("malformed-sqs-event.json")));
            Assert.Equal("error", failed.Kind);
            Assert.Equal("Runtime.InvalidEvent", failed.ErrorType);
            using var error = JsonDocument.Parse(failed.Body);
            Assert.Equal("LambdaEventFormatException", error.RootElement.GetProperty("errorType").GetString());
            Assert.Contains("not an API Gateway", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

            // ...and the loop goes on with the next one.
            var fetched = await InvokeAsync("v2-get-todo.json", values);
            Assert.Equal(200, fetched.Status());
            Assert.Equal("Buy milk & eggs — 2 × 🥚", fetched.Json().GetProperty("title").GetString());

            await function.StopAsync();
            Assert.True(function.ExitCode == 0, $"exit code {function.ExitCode}:\n{string.Join('\n', function.Output)}");
            Assert.DoesNotContain("restore/next", RuntimeApi.Calls);

            // Logs: one JSON object per line on stdout, the Lambda request id in scope of the invocation's lines.
            var lines = function.Output.Where(line => line.Length > 0).ToList();
            Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
            Assert.Contains(lines, line => line.Contains("Copied the bundled database", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("\"AwsRequestId\":\"create-request-id\"", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(LambdaTestHostSecrets.SigningKey, StringComparison.Ordinal));
        }

        Assert.True(File.Exists(Path.Combine(TempDirectory, "todo.db")));

        // A new process in the same environment: the copy in the temp directory is kept, with its data.
        await using (var restarted = StartFunction())
        {
            var fetched = await InvokeAsync("v1-get-todo.json", values);
            Assert.Equal(200, fetched.Status());
            Assert.Equal(values["id"], fetched.Json().GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(401, (await InvokeAsync("v2-login.json", values)).Status());
            await restarted.StopAsync();
            Assert.Contains(restarted.Output, line => line.Contains("Using the database already in the temp directory", StringComparison.Ordinal));
        }

        Assert.Equal(taskRootBefore, Snapshot(TaskRoot));
    }

    [Fact]
    public async Task Every_line_of_an_invocation_carries_the_Powertools_keys_and_only_the_first_invocation_is_a_cold_start()
    {
        await using var function = StartFunction(environment: new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "todo-api",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
        });

        Assert.Equal(200, (await InvokeAsync("v2-get-health.json", new Dictionary<string, string>(), requestId: "first-request-id")).Status());
        Assert.Equal(200, (await InvokeAsync("v2-get-health.json", new Dictionary<string, string>(), requestId: "second-request-id")).Status());
        await function.StopAsync();

        var lines = function.Output.Where(line => line.Length > 0).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).ToList();
        foreach (var (requestId, coldStart) in new[] { ("first-request-id", true), ("second-request-id", false) })
        {
            // Top-level keys, as Powertools writes them, so that `filter cold_start = 1` and `fields function_request_id` work.
            var invocationLines = lines.Where(line => TopLevel(line, "function_request_id")?.GetString() == requestId).ToList();
            Assert.NotEmpty(invocationLines);
            Assert.All(invocationLines, line =>
            {
                Assert.Equal(requestId, TopLevel(line, "AwsRequestId")?.GetString());
                Assert.Equal(coldStart, TopLevel(line, "cold_start")?.GetBoolean());
                Assert.Matches("^1-[0-9a-f]{32}$", TopLevel(line, "xray_trace_id")?.GetString());
                Assert.Equal("todo-api", TopLevel(line, "function_name")?.GetString());
                Assert.Equal(512, TopLevel(line, "function_memory_size")?.GetInt32());
                Assert.False(line.TryGetProperty("Scopes", out _), line.GetRawText());
            });

            // One line per request: the application's request line is the invocation's only one at Information or
            // above, with API Gateway's request id as its correlation id.
            var requestLine = Assert.Single(invocationLines, line => line.GetProperty("LogLevel").GetString() is not ("Trace" or "Debug"));
            Assert.Equal("Todo.Api.Requests", requestLine.GetProperty("Category").GetString());
            Assert.Equal("v2-get-health", TopLevel(requestLine, "correlationId")?.GetString());
            Assert.Equal("/health", requestLine.GetProperty("State").GetProperty("Route").GetString());
            Assert.Equal(200, requestLine.GetProperty("State").GetProperty("StatusCode").GetInt32());
        }
    }

    [Theory]
    [InlineData("the deadline", 504)]
    [InlineData("a response too large", 500)]
    public async Task A_response_the_adapter_gives_instead_of_the_applications_has_the_requests_trace_id_and_its_lines_the_correlation_id_and_the_status_sent(string cause, int status)
    {
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var function = StartFunction();

        // With less than the adapter's 0.5 s margin left, RequestAborted has fired before the health check reads the
        // database. Through an ALB, which takes at most 1 MB from a function, the /docs page's script is too large.
        var proxyEvent = cause == "the deadline"
            ? JsonNode.Parse(EventFile.Read(LambdaTestPaths.Own("v2-get-health.json")))!
            : JsonNode.Parse(await File.ReadAllTextAsync(LambdaTestPaths.Upstream("alb-healthcheck-dotnet.json")))!;
        if (cause != "the deadline")
        {
            proxyEvent["path"] = "/scalar/scalar.js";
        }

        proxyEvent["headers"]!["traceparent"] = $"00-{TraceId}-00f067aa0ba902b7-01";
        proxyEvent["headers"]!["x-correlation-id"] = "replaced-response";
        var timeLeft = cause == "the deadline" ? TimeSpan.FromMilliseconds(200) : (TimeSpan?)null;
        var outcome = await RuntimeApi.Enqueue(proxyEvent.ToJsonString(), requestId: "replaced-request-id", timeLeft: timeLeft).Answered.WaitAsync(Patience);
        await function.StopAsync();

        Assert.True(outcome.Kind == "response", $"{outcome.Kind} {outcome.Body}");
        using var response = JsonDocument.Parse(outcome.Body);
        Assert.Equal(status, response.RootElement.Status());
        Assert.Equal(TraceId, response.RootElement.Json().GetProperty("traceId").GetString());

        // The application's request line and the adapter's own line on why it answered instead: both carry the
        // request's correlation id and trace id, and the request line the status the client got.
        var lines = function.Output.Where(line => line.StartsWith('{')).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).Where(line => TopLevel(line, "AwsRequestId")?.GetString() == "replaced-request-id"
            && line.GetProperty("LogLevel").GetString() is not ("Trace" or "Debug")).ToList();
        Assert.True(lines.Count == 2, string.Join('\n', function.Output));
        Assert.All(lines, line =>
        {
            Assert.Equal("replaced-response", TopLevel(line, "correlationId")?.GetString());
            Assert.Equal(TraceId, TopLevel(line, "TraceId")?.GetString());
        });
        var requestLine = Assert.Single(lines, line => line.GetProperty("Category").GetString() == "Todo.Api.Requests");
        Assert.Equal(status, requestLine.GetProperty("State").GetProperty("StatusCode").GetInt32());
        Assert.Single(lines, line => line.GetProperty("Category").GetString() == "Todo.Lambda.LambdaServer" && line.GetProperty("LogLevel").GetString() == "Error");
    }

    [Fact]
    public async Task Under_SnapStart_it_warms_up_hands_the_environment_over_for_the_snapshot_and_then_serves_keep_warm_and_HTTP_events()
    {
        await using var function = StartFunction(environment: new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start",
            ["Lambda__WarmUpPaths__0"] = "/health",
        });

        var warmed = await RuntimeApi.InvokeAsync(EventFile.Read(LambdaTestPaths.Own("eventbridge-scheduled.json")), requestId: "keep-warm-request-id");
        Assert.Equal("response", warmed.Kind);
        Assert.Equal("""{"warmed":true}""", warmed.Body);
        Assert.Equal(200, (await InvokeAsync("v2-get-health.json", new Dictionary<string, string>())).Status());
        await function.StopAsync();

        // Restore is asked for once, before the first poll for an invocation.
        Assert.Equal("restore/next", RuntimeApi.Calls.First());
        Assert.Single(RuntimeApi.Calls, call => call == "restore/next");

        // The warm-up request went through the whole application (its health check answered 200) before the snapshot.
        var lines = function.Output.ToList();
        var warmUp = lines.FindIndex(line => line.Contains("warm-up GET /health answered 200", StringComparison.Ordinal));
        var restored = lines.FindIndex(line => line.Contains("Resumed from the SnapStart snapshot", StringComparison.Ordinal));
        Assert.True(warmUp >= 0 && restored > warmUp, string.Join('\n', lines));

        // One line says the keep-warm event was a warm-up, in the scope of its invocation; no request ran for it.
        var keepWarm = Assert.Single(lines, line => line.Contains("warm-up: scheduled event from arn:aws:events:", StringComparison.Ordinal));
        Assert.Contains("\"AwsRequestId\":\"keep-warm-request-id\"", keepWarm, StringComparison.Ordinal);
        // After the restore one request ran, the HTTP event's; the keep-warm event ran none.
        var served = Assert.Single(lines.Skip(restored), line => line.Contains("\"Category\":\"Todo.Api.Requests\"", StringComparison.Ordinal));
        Assert.Contains("\"correlationId\":\"v2-get-health\"", served, StringComparison.Ordinal);
        Assert.Contains("\"StatusCode\":200", served, StringComparison.Ordinal);
    }

    [Fact]
    public void The_zip_holds_the_published_application_the_migrated_database_and_an_executable_bootstrap()
    {
        using var zip = ZipFile.OpenRead(Package.ZipFile);
        var names = zip.Entries.Select(entry => entry.FullName).ToHashSet();

        Assert.Contains("Todo.Api.dll", names);
        Assert.Contains("Todo.Api.runtimeconfig.json", names);
        Assert.Contains("todo.db", names);
        Assert.DoesNotContain("appsettings.Development.json", names);
        var bootstrap = zip.GetEntry("bootstrap")!;
        Assert.True(((UnixFileMode)(bootstrap.ExternalAttributes >> 16)).HasFlag(UnixFileMode.UserExecute));
        Assert.Matches(@"Wrote .*todo-api-lambda\.zip \(\d+ bytes", Package.PackageLog);
    }

    private async Task<JsonElement> InvokeAsync(string file, IReadOnlyDictionary<string, string> values, string? requestId = null)
    {
        var outcome = await RuntimeApi.InvokeAsync(EventFile.Read(LambdaTestPaths.Own(file), values), requestId);
        Assert.True(outcome.Kind == "response", $"{file}: {outcome.Kind} {outcome.Body}");
        using var document = JsonDocument.Parse(outcome.Body);
        return document.RootElement.Clone();
    }

    private static JsonElement? TopLevel(JsonElement line, string key) => line.TryGetProperty(key, out var value) ? value : null;

    private static string Snapshot(string directory) => string.Join('\n', Directory
        .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(path => $"{Path.GetRelativePath(directory, path)} {new FileInfo(path).Length} {File.GetLastWriteTimeUtc(path):O}"));
}
