using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Todo.Lambda;

/// <summary>
/// One invocation, whoever delivers it (the Runtime API loop, the managed runtime's handler, the invoke command):
/// the proxy event's JSON in, one HTTP request through the application in process, the proxy response's JSON out.
/// A scheduled keep-warm event (<see cref="ScheduledEvent"/>) is answered without a request.
/// </summary>
internal sealed partial class LambdaInvoker(
    LambdaServer server,
    LambdaProblemResponses problems,
    IOptions<LambdaHostingOptions> options,
    LambdaFunctionVariables function,
    TimeProvider timeProvider,
    ILogger<LambdaInvoker> logger)
{
    // The abort fires this long before the deadline, so the application can unwind and a response still goes out.
    private static readonly TimeSpan AbortAheadOfDeadline = TimeSpan.FromMilliseconds(500);

    // The response goes to API Gateway or ALB, never into HTML: escaping only what JSON requires keeps a body's
    // quotes at 2 bytes instead of 6 and non-ASCII text unescaped, which counts against the payload limit.
    private static readonly JsonWriterOptions ResponseJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ProxyEventTranslators _translators = new(options.Value.EventFormat);

    // 0 until the process's first invocation: that one is the cold start (warm-up requests are no invocations).
    private int _invoked;

    /// <exception cref="LambdaEventFormatException">The payload is not a proxy event: the invocation fails.</exception>
    public async Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> payload, LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        // Every line of the invocation, the application's included, carries the invocation's Lambda facts.
        using var scope = logger.BeginScope(LambdaLogScope.For(invocation, function, coldStart: Interlocked.Exchange(ref _invoked, 1) == 0));
        using var proxyEvent = Parse(payload);
        if (ScheduledEvent.Is(proxyEvent.RootElement))
        {
            return ScheduledEvent.Answer(proxyEvent.RootElement, logger);
        }

        var translator = _translators.For(proxyEvent.RootElement);
        ProxyRequest request;
        try
        {
            request = translator.ReadRequest(proxyEvent.RootElement);
        }
        catch (InvalidOperationException exception)
        {
            // JsonElement's way of saying a field has the wrong type: a malformed event, not a fault of ours.
            throw new LambdaEventFormatException("The event has a field of the wrong JSON type.", exception);
        }

        using var deadline = new CancellationTokenSource(TimeUntilAbort(invocation.Deadline), timeProvider);
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);

        var feature = new LambdaInvocationFeature(invocation, function, translator.Format, proxyEvent.RootElement, timeProvider);
        var started = timeProvider.GetTimestamp();
        var response = await server.HandleAsync(request, feature, translator.MaxResponseBytes, aborted.Token);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsed = timeProvider.GetElapsedTime(started);
            LogInvocation(logger, translator.Format, request.Method, request.PathBase + request.Path, response.StatusCode, elapsed.TotalMilliseconds);
        }

        var serialized = Serialize(translator, response);
        if (serialized.Length <= translator.MaxResponseBytes)
        {
            return serialized;
        }

        // Base64 and JSON escaping can push a body that fitted the buffer over the limit; Lambda would fail the
        // whole invocation and API Gateway answer 502, so answer with a problem response instead.
        var tooLarge = await LambdaServer.InApplicationContext(response.ApplicationContext, () =>
        {
            LogSerializedResponseTooLarge(logger, serialized.Length, translator.MaxResponseBytes);
            return problems.TooLargeAsync(request, feature, response.TraceIdentifier);
        });
        return Serialize(translator, tooLarge);
    }

    /// <summary>The deadline the managed runtime's handler works to: it gets none from the runtime.</summary>
    public DateTimeOffset? HandlerDeadline() =>
        options.Value.FunctionTimeoutSeconds is > 0 and var seconds ? timeProvider.GetUtcNow().AddSeconds(seconds) : null;

    private TimeSpan TimeUntilAbort(DateTimeOffset? deadline)
    {
        if (deadline is not { } due)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var remaining = due - timeProvider.GetUtcNow() - AbortAheadOfDeadline;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException exception)
        {
            throw new LambdaEventFormatException("The event is not valid JSON.", exception);
        }
    }

    private static byte[] Serialize(IProxyEventTranslator translator, ProxyResponse response)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ResponseJsonOptions))
        {
            translator.WriteResponse(writer, response);
        }

        return buffer.ToArray();
    }

    // Debug: the application logs each request at Information already, and one line per request is what an operator
    // reads and pays for. The query string is left out: it may carry personal data.
    [LoggerMessage(Level = LogLevel.Debug, Message = "{EventFormat} {Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogInvocation(ILogger logger, LambdaEventFormat eventFormat, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The serialized response is {Size} bytes, over the limit of {Limit}; answering 500.")]
    private static partial void LogSerializedResponseTooLarge(ILogger logger, int size, int limit);
}
