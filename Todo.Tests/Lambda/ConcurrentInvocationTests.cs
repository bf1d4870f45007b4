using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The published package on Lambda Managed Instances, where <c>AWS_LAMBDA_MAX_CONCURRENCY</c> lets Lambda send an
/// execution environment several invocations at once, against the Runtime API server inside the test. The slow
/// invocations are real slow requests (a password hashed, a password checked), and the Runtime API also holds their
/// answers until the test releases them: what the tests assert follows from that order of events, never from how
/// long anything took.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(nameof(PublishedPackage))]
public sealed class ConcurrentInvocationTests(PublishedPackageFixture package) : PublishedPackageTest(package)
{
    [Fact]
    public async Task With_a_max_concurrency_of_4_fast_invocations_are_answered_while_slow_ones_are_still_in_flight()
    {
        await using var function = StartFunction(MaxConcurrency("4"));
        await Within(RuntimeApi.WhenPollsInFlightAsync(4), "four polls waiting at once");
        string[] titles = ["First", "Second", "Third"];
        var (token, todoIds) = await CreateTodosAsync(titles);

        // Two slow invocations, whose answers the Runtime API holds: two of the four loops stay busy with them...
        var signup = RuntimeApi.Enqueue(Event("v2-signup.json"), holdAnswer: true);
        var failedLogin = RuntimeApi.Enqueue(
            WithBody(Event("v1-login.json"), """{"email": "rest.user@example.com", "password": "not the password"}"""),
            holdAnswer: true);
        await Within(Task.WhenAll(signup.HandedOut, failedLogin.HandedOut), "both slow invocations handed out");

        // ...while the other two serve more fast invocations than there are loops, one of them failing.
        // Each with a correlation id of its own, to find its request line by.
        var fetches = Enumerable.Range(0, 6)
            .Select(index => (Title: titles[index % titles.Length], CorrelationId: $"fetch-{index}"))
            .Select(fetch => (fetch.Title, fetch.CorrelationId, Invocation: RuntimeApi.Enqueue(WithHeader(
                Event("v2-get-todo.json", new Dictionary<string, string> { ["token"] = token, ["id"] = todoIds[fetch.Title] }),
                "x-correlation-id",
                fetch.CorrelationId))))
            .ToList();
        var malformed = RuntimeApi.Enqueue(Event("malformed-sqs-event.json"));
        var fetched = await Within(Task.WhenAll(fetches.Select(fetch => fetch.Invocation.Answered)), "answer to a fast invocation while the slow ones are held");
        var failed = await Within(malformed.Answered, "answer to the malformed invocation while the slow ones are held");

        signup.Release();
        failedLogin.Release();
        var signedUp = await Within(signup.Answered, "answer to the signup");
        var refused = await Within(failedLogin.Answered, "answer to the failed login");

        // Every loop goes back to polling; SIGTERM then stops all four.
        await Within(RuntimeApi.WhenPollsInFlightAsync(4), "four polls waiting at once again");
        await function.StopAsync();
        Assert.True(function.ExitCode == 0, $"exit code {function.ExitCode}:\n{string.Join('\n', function.Output)}");

        // Each invocation got its own answer...
        for (var index = 0; index < fetches.Count; index++)
        {
            Assert.Equal(200, Status(fetched[index]));
            Assert.Equal(fetches[index].Title, Json(fetched[index]).GetProperty("title").GetString());
        }

        Assert.Equal(201, Status(signedUp));
        Assert.Equal("http.user@example.com", Json(signedUp).GetProperty("email").GetString());
        Assert.Equal(401, Status(refused));
        Assert.Equal(("error", "Runtime.InvalidEvent"), (failed.Kind, failed.ErrorType));

        // ...exactly once...
        var journal = RuntimeApi.Journal;
        AssertEveryInvocationAnsweredOnce(journal);

        // ...and the fast ones were answered while the slow ones were still in flight: handed out before, answered after.
        var slow = new[] { signup, failedLogin };
        var fast = fetches.Select(fetch => fetch.Invocation).Append(malformed).ToList();
        var lastSlowHandedOut = slow.Max(invocation => IndexOf(journal, RuntimeApiStep.HandedOut, invocation));
        var firstSlowAcknowledged = slow.Min(invocation => IndexOf(journal, RuntimeApiStep.Acknowledged, invocation));
        Assert.All(fast, invocation =>
        {
            Assert.InRange(IndexOf(journal, RuntimeApiStep.HandedOut, invocation), lastSlowHandedOut + 1, firstSlowAcknowledged - 1);
            Assert.InRange(IndexOf(journal, RuntimeApiStep.Answered, invocation), lastSlowHandedOut + 1, firstSlowAcknowledged - 1);
        });

        // Four polls at a time, never more; the log says so, and each invocation's lines carry its own request id.
        Assert.Equal(4, RuntimeApi.MaxPollsInFlight);
        var log = LogLines(function);
        Assert.Contains(log, line => Message(line).StartsWith("Serving invocations 4 at a time", StringComparison.Ordinal));
        Assert.All(fetches, fetch =>
        {
            var requestLine = Assert.Single(log, line => RequestIdOf(line) == fetch.Invocation.RequestId && Category(line) == "Todo.Api.Requests");
            Assert.Equal(fetch.CorrelationId, requestLine.GetProperty("correlationId").GetString());
            Assert.Equal("/todos/{id}", requestLine.GetProperty("State").GetProperty("Route").GetString());
        });
    }

    [Fact]
    public async Task Without_a_max_concurrency_the_loop_fetches_one_invocation_at_a_time()
    {
        await using var function = StartFunction(MaxConcurrency(null));
        await Within(RuntimeApi.WhenPollsInFlightAsync(1), "a poll");

        // While the Runtime API holds a slow invocation's answer, the one loop is busy with it and nothing polls...
        var signup = RuntimeApi.Enqueue(Event("v1-signup.json"), holdAnswer: true);
        Assert.Equal(201, Status(await Within(signup.Answered, "answer to the signup")));
        Assert.Equal(0, RuntimeApi.PollsInFlight);

        // ...and the fast ones queued meanwhile are fetched one after the other once it is released.
        var checks = Enumerable.Range(0, 3).Select(_ => RuntimeApi.Enqueue(Event("v2-get-health.json"))).ToList();
        signup.Release();
        var answers = await Within(Task.WhenAll(checks.Select(check => check.Answered)), "answers to the health checks");
        Assert.All(answers, answer => Assert.Equal(200, Status(answer)));

        await Within(RuntimeApi.WhenPollsInFlightAsync(1), "a poll again");
        await function.StopAsync();
        Assert.True(function.ExitCode == 0, $"exit code {function.ExitCode}:\n{string.Join('\n', function.Output)}");

        Assert.Equal(1, RuntimeApi.MaxPollsInFlight);
        RuntimeApiJournalEntry[] oneAfterTheOther = [.. checks.Prepend(signup).SelectMany(invocation => new RuntimeApiJournalEntry[]
        {
            new(RuntimeApiStep.HandedOut, invocation.RequestId),
            new(RuntimeApiStep.Answered, invocation.RequestId),
            new(RuntimeApiStep.Acknowledged, invocation.RequestId),
        })];
        Assert.Equal(oneAfterTheOther, RuntimeApi.Journal);
        Assert.Contains(LogLines(function), line => Message(line).StartsWith("Serving invocations 1 at a time", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> MaxConcurrency(string? value) => new() { ["AWS_LAMBDA_MAX_CONCURRENCY"] = value };

    /// <summary>A user, their token and a todo per title, one invocation at a time: the token, the todos' ids by title.</summary>
    private async Task<(string Token, Dictionary<string, string> Ids)> CreateTodosAsync(string[] titles)
    {
        Assert.Equal(201, Status(await RuntimeApi.InvokeAsync(Event("v1-signup.json"))));
        var token = Json(await RuntimeApi.InvokeAsync(Event("v1-login.json"))).GetProperty("accessToken").GetString()!;
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var title in titles)
        {
            var created = await RuntimeApi.InvokeAsync(WithBody(
                Event("v2-create-todo.json", new Dictionary<string, string> { ["token"] = token }),
                JsonSerializer.Serialize(new { title, completed = false })));
            Assert.Equal(201, Status(created));
            ids[title] = Json(created).GetProperty("id").GetInt32().ToString(CultureInfo.InvariantCulture);
        }

        return (token, ids);
    }

    private void AssertEveryInvocationAnsweredOnce(IReadOnlyList<RuntimeApiJournalEntry> journal)
    {
        var handedOut = journal.Where(entry => entry.Step == RuntimeApiStep.HandedOut).Select(entry => entry.RequestId).ToList();
        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
        var answered = journal.Where(entry => entry.Step == RuntimeApiStep.Answered).Select(entry => entry.RequestId).ToList();
        Assert.Equal(handedOut.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));
        Assert.All(handedOut, requestId => Assert.Equal(1, RuntimeApi.AnswersTo(requestId)));
    }

    private static int IndexOf(IReadOnlyList<RuntimeApiJournalEntry> journal, RuntimeApiStep step, QueuedInvocation invocation)
    {
        var index = journal.ToList().IndexOf(new RuntimeApiJournalEntry(step, invocation.RequestId));
        Assert.True(index >= 0, $"{step} {invocation.RequestId} is not in the journal.");
        return index;
    }

    /// <summary>Waits for what the test needs next, and says what it was if it never comes.</summary>
    private static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Patience);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"No {what} within {Patience.TotalSeconds} s.", exception);
        }
    }

    private static async Task<T> Within<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Patience);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"No {what} within {Patience.TotalSeconds} s.", exception);
        }
    }

    private static string Event(string file, IReadOnlyDictionary<string, string>? values = null) =>
        EventFile.Read(LambdaTestPaths.Own(file), values);

    private static string WithBody(string proxyEvent, string body)
    {
        var node = JsonNode.Parse(proxyEvent)!;
        node["body"] = body;
        node["isBase64Encoded"] = false;
        return node.ToJsonString();
    }

    private static string WithHeader(string proxyEvent, string name, string value)
    {
        var node = JsonNode.Parse(proxyEvent)!;
        node["headers"]![name] = value;
        return node.ToJsonString();
    }

    private static int Status(RuntimeApiOutcome outcome) => ProxyResponse(outcome).Status();

    private static JsonElement Json(RuntimeApiOutcome outcome) => ProxyResponse(outcome).Json();

    private static JsonElement ProxyResponse(RuntimeApiOutcome outcome)
    {
        Assert.True(outcome.Kind == "response", $"{outcome.Kind} {outcome.Body}");
        using var document = JsonDocument.Parse(outcome.Body);
        return document.RootElement.Clone();
    }

    private static List<JsonElement> LogLines(LambdaProcess function) => [.. function.Output
        .Where(line => line.StartsWith('{'))
        .Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        })];

    private static string Message(JsonElement line) =>
        line.TryGetProperty("Message", out var message) ? message.GetString() ?? "" : "";

    private static string? RequestIdOf(JsonElement line) =>
        line.TryGetProperty("AwsRequestId", out var id) ? id.GetString() : null;

    private static string? Category(JsonElement line) =>
        line.TryGetProperty("Category", out var category) ? category.GetString() : null;
}
