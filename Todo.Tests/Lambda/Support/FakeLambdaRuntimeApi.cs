using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Todo.Tests.Lambda.Support;

/// <summary>What the function answered for one invocation, as the Runtime API received it.</summary>
public sealed record RuntimeApiOutcome(string Kind, string Body, string? ErrorType);

/// <summary>
/// A small Lambda Runtime API (2018-06-01) on loopback, playing Lambda's part: it hands out queued events on
/// <c>invocation/next</c> with the request id, deadline and trace id headers, and records responses and errors.
/// Like Lambda Managed Instances it answers concurrent polls, each with its own event; it counts the polls waiting
/// at any moment and keeps a journal of what happened to each invocation, in order. It can also refuse an
/// invocation's response with a status of the test's choosing, as Lambda does with 413 for a response over its
/// payload limit or 500 when it is in a state it cannot recover from.
/// </summary>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private readonly Channel<QueuedInvocation> _events = Channel.CreateUnbounded<QueuedInvocation>();
    private readonly ConcurrentDictionary<string, QueuedInvocation> _invocations = new();
    private readonly Lock _lock = new();
    private readonly List<RuntimeApiJournalEntry> _journal = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _pollWaiters = [];
    private readonly WebApplication _app;
    private int _pollsInFlight;
    private int _maxPollsInFlight;

    private FakeLambdaRuntimeApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet($"{Prefix}/invocation/next", NextAsync);
        _app.MapGet($"{Prefix}/restore/next", () =>
        {
            // The snapshot would be taken here; answering at once is a resume right after it.
            Calls.Enqueue("restore/next");
            return Results.Ok();
        });
        _app.MapPost($"{Prefix}/invocation/{{requestId}}/response", (string requestId, HttpRequest request) => RecordAsync(requestId, "response", request));
        _app.MapPost($"{Prefix}/invocation/{{requestId}}/error", (string requestId, HttpRequest request) => RecordAsync(requestId, "error", request));
        _app.MapPost($"{Prefix}/init/error", async (HttpRequest request) =>
        {
            var outcome = await ReadOutcomeAsync("init-error", request);
            InitErrors.Enqueue(outcome);
            InitError.TrySetResult(outcome);
            return Results.Accepted();
        });
    }

    /// <summary>The first init error the function posted.</summary>
    public TaskCompletionSource<RuntimeApiOutcome> InitError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every init error the function posted, in order.</summary>
    public ConcurrentQueue<RuntimeApiOutcome> InitErrors { get; } = new();

    /// <summary>The polls the function made (<c>invocation/next</c>, <c>restore/next</c>), in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The value for AWS_LAMBDA_RUNTIME_API: host and port.</summary>
    public string Address { get; private set; } = string.Empty;

    public static async Task<FakeLambdaRuntimeApi> StartAsync()
    {
        var api = new FakeLambdaRuntimeApi();
        await api._app.StartAsync();
        var address = new Uri(api._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        api.Address = $"{address.Host}:{address.Port}";
        return api;
    }

    /// <summary>The <c>invocation/next</c> requests waiting for an event right now.</summary>
    public int PollsInFlight
    {
        get
        {
            lock (_lock)
            {
                return _pollsInFlight;
            }
        }
    }

    /// <summary>The most <c>invocation/next</c> requests that were ever waiting at the same time.</summary>
    public int MaxPollsInFlight
    {
        get
        {
            lock (_lock)
            {
                return _maxPollsInFlight;
            }
        }
    }

    /// <summary>Everything that happened to the invocations so far, in the order it happened.</summary>
    public IReadOnlyList<RuntimeApiJournalEntry> Journal
    {
        get
        {
            lock (_lock)
            {
                return [.. _journal];
            }
        }
    }

    /// <summary>Queues an event and waits for the function's response or error.</summary>
    public async Task<RuntimeApiOutcome> InvokeAsync(string payload, string? requestId = null) =>
        await Enqueue(payload, requestId).Answered.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>
    /// Queues an event for the next poll. With <paramref name="holdAnswer"/>, the function's answer is recorded when
    /// it arrives but not acknowledged until <see cref="QueuedInvocation.Release"/>. With
    /// <paramref name="refuseResponseWith"/>, a response (not an error) for it is answered with that status and
    /// Lambda's error document instead of being taken: the invocation then waits for another answer. The function
    /// has <paramref name="timeLeft"/> (by default 30 s) from the moment it takes the event.
    /// </summary>
    public QueuedInvocation Enqueue(string payload, string? requestId = null, bool holdAnswer = false, int? refuseResponseWith = null, TimeSpan? timeLeft = null)
    {
        var invocation = new QueuedInvocation(requestId ?? Guid.NewGuid().ToString(), payload, holdAnswer, refuseResponseWith, timeLeft ?? TimeSpan.FromSeconds(30));
        if (!_invocations.TryAdd(invocation.RequestId, invocation))
        {
            throw new InvalidOperationException($"Request id {invocation.RequestId} is already queued.");
        }

        if (!_events.Writer.TryWrite(invocation))
        {
            throw new InvalidOperationException("The Runtime API takes no more events.");
        }

        return invocation;
    }

    /// <summary>Completes once at least <paramref name="count"/> polls are waiting at the same time.</summary>
    public Task WhenPollsInFlightAsync(int count)
    {
        lock (_lock)
        {
            if (_pollsInFlight >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pollWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>How many answers (responses and errors) the function posted for the request id.</summary>
    public int AnswersTo(string requestId) =>
        Journal.Count(entry => entry.Step == RuntimeApiStep.Answered && entry.RequestId == requestId);

    public async ValueTask DisposeAsync()
    {
        // A held answer would keep the server from stopping.
        foreach (var invocation in _invocations.Values)
        {
            invocation.Release();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Calls.Enqueue("invocation/next");
        QueuedInvocation invocation;
        ChangePollsInFlight(+1);
        try
        {
            invocation = await _events.Reader.ReadAsync(context.RequestAborted);
        }
        finally
        {
            // Before the function can see the event: once it has one, this poll no longer waits.
            ChangePollsInFlight(-1);
        }

        Write(RuntimeApiStep.HandedOut, invocation.RequestId);
        invocation.MarkHandedOut();
        var (requestId, payload) = (invocation.RequestId, invocation.Payload);
        context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
        context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.Add(invocation.TimeLeft).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Lambda-Runtime-Trace-Id"] = $"Root=1-{Guid.NewGuid():N};Sampled=0";
        context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:todo-api";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(payload);
    }

    private async Task<IResult> RecordAsync(string requestId, string kind, HttpRequest request)
    {
        var outcome = await ReadOutcomeAsync(kind, request);
        _invocations.TryGetValue(requestId, out var invocation);
        if (kind == "response" && invocation?.RefusesResponseWith is { } status)
        {
            Write(RuntimeApiStep.Refused, requestId);
            return Results.Json(new { errorMessage = $"The response was refused with {status}.", errorType = "Test.Refused" }, statusCode: status);
        }

        Write(RuntimeApiStep.Answered, requestId);
        if (invocation is not null)
        {
            invocation.MarkAnswered(outcome);
            await invocation.Released.WaitAsync(request.HttpContext.RequestAborted);
        }

        Write(RuntimeApiStep.Acknowledged, requestId);
        return Results.Accepted();
    }

    private void Write(RuntimeApiStep step, string requestId)
    {
        lock (_lock)
        {
            _journal.Add(new(step, requestId));
        }
    }

    private void ChangePollsInFlight(int change)
    {
        lock (_lock)
        {
            _pollsInFlight += change;
            _maxPollsInFlight = Math.Max(_maxPollsInFlight, _pollsInFlight);
            foreach (var waiter in _pollWaiters.Where(waiter => waiter.Count <= _pollsInFlight).ToList())
            {
                _pollWaiters.Remove(waiter);
                waiter.Reached.SetResult();
            }
        }
    }

    private static async Task<RuntimeApiOutcome> ReadOutcomeAsync(string kind, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return new RuntimeApiOutcome(kind, await reader.ReadToEndAsync(), request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault());
    }
}
