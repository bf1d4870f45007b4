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
/// </summary>
public sealed class FakeLambdaRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private readonly Channel<(string RequestId, string Payload)> _events = Channel.CreateUnbounded<(string, string)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RuntimeApiOutcome>> _outcomes = new();
    private readonly WebApplication _app;

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
            InitError.TrySetResult(await ReadOutcomeAsync("init-error", request));
            return Results.Accepted();
        });
    }

    public TaskCompletionSource<RuntimeApiOutcome> InitError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>Queues an event and waits for the function's response or error.</summary>
    public async Task<RuntimeApiOutcome> InvokeAsync(string payload, string? requestId = null)
    {
        requestId ??= Guid.NewGuid().ToString();
        var outcome = _outcomes.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        await _events.Writer.WriteAsync((requestId, payload));
        return await outcome.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task NextAsync(HttpContext context)
    {
        Calls.Enqueue("invocation/next");
        var (requestId, payload) = await _events.Reader.ReadAsync(context.RequestAborted);
        context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
        context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Lambda-Runtime-Trace-Id"] = $"Root=1-{Guid.NewGuid():N};Sampled=0";
        context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:todo-api";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(payload);
    }

    private async Task<IResult> RecordAsync(string requestId, string kind, HttpRequest request)
    {
        var outcome = _outcomes.GetOrAdd(requestId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        outcome.TrySetResult(await ReadOutcomeAsync(kind, request));
        return Results.Accepted();
    }

    private static async Task<RuntimeApiOutcome> ReadOutcomeAsync(string kind, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return new RuntimeApiOutcome(kind, await reader.ReadToEndAsync(), request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault());
    }
}
