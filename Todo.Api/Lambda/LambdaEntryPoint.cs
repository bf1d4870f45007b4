using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Todo.Api.Lambda;

namespace Todo.Api;

/// <summary>
/// The Lambda function handler: <c>Todo.Api::Todo.Api.LambdaEntryPoint::FunctionHandlerAsync</c> on the managed
/// <c>dotnet10</c> runtime, and the same object behind our own Runtime API client and the local <c>invoke</c> command.
/// The application (Program's, unchanged but for the server) is built and started once per execution environment,
/// when the runtime constructs this class; each invocation then translates one proxy event into an HTTP request,
/// runs it through the pipeline in process, and translates the response back.
/// </summary>
public sealed partial class LambdaEntryPoint : IAsyncDisposable
{
    // The abort fires this long before the deadline, so the application can unwind and a response still goes out.
    private static readonly TimeSpan AbortAheadOfDeadline = TimeSpan.FromMilliseconds(500);

    // The response goes to API Gateway or ALB, never into HTML: escaping only what JSON requires keeps a body's
    // quotes at 2 bytes instead of 6 and non-ASCII text unescaped, which counts against the payload limit.
    private static readonly JsonWriterOptions ResponseJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _application;
    private readonly LambdaServer _server;
    private readonly ProxyEventTranslators _translators;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan? _functionTimeout;
    private readonly ILogger _logger;

    /// <summary>The constructor the managed runtime calls, once per execution environment.</summary>
    public LambdaEntryPoint()
        : this([], logToStandardError: false, configureHost: null)
    {
    }

    /// <param name="args">Host arguments, as Program.Main would receive them.</param>
    /// <param name="logToStandardError">Send logs to stderr, leaving stdout to a command's output.</param>
    /// <param name="configureHost">Applied after the Lambda setup: tests add configuration and probes here.</param>
    internal LambdaEntryPoint(string[] args, bool logToStandardError, Action<WebApplicationBuilder>? configureHost)
    {
        // Under the managed runtime the entry assembly is Lambda's bootstrap, not ours: without the application name
        // MVC finds no controllers, and without the content root no appsettings.json. Given first, so that the
        // caller's own arguments still win.
        args = [$"--applicationName={typeof(Program).Assembly.GetName().Name}", $"--contentRoot={AppContext.BaseDirectory}", .. args];
        var options = LambdaHostingOptions.Read(args);
        (args, var databaseCopyNote) = BundledDatabaseCopy.UseTemporaryCopy(options, args);
        _application = Program.CreateApplication(args, builder =>
        {
            LambdaHostSetup.Apply(builder, logToStandardError);
            configureHost?.Invoke(builder);
        });

        try
        {
            // The managed runtime constructs the handler synchronously during the init phase; starting here means
            // configuration errors (such as a missing signing key) fail the init, not the first request.
            _application.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            _application.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        _server = _application.Services.GetRequiredService<IServer>() as LambdaServer
            ?? throw new InvalidOperationException("The application replaced the Lambda server with another IServer.");
        _timeProvider = _application.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = _application.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Todo.Api.Lambda");
        _translators = new ProxyEventTranslators(options.EventFormat);
        _functionTimeout = options.FunctionTimeoutSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;
        if (databaseCopyNote is not null)
        {
            LogDatabaseCopy(_logger, databaseCopyNote);
        }
    }

    internal ILogger Logger => _logger;

    /// <summary>
    /// The managed runtime's handler: the event's JSON in, the proxy response's JSON out, so no serializer package
    /// is needed. A payload that is not a proxy event throws <see cref="LambdaEventFormatException"/>, which fails
    /// the invocation.
    /// </summary>
    public async Task<Stream> FunctionHandlerAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var payload = new MemoryStream();
        await input.CopyToAsync(payload);
        var deadline = _functionTimeout is { } timeout ? _timeProvider.GetUtcNow() + timeout : (DateTimeOffset?)null;
        var response = await InvokeAsync(
            payload.GetBuffer().AsMemory(0, (int)payload.Length),
            new LambdaInvocation(RequestId: null, deadline, TraceId: null),
            CancellationToken.None);
        return new MemoryStream(response, writable: false);
    }

    /// <summary>Handles one invocation: a proxy event in, the proxy response's UTF-8 JSON out.</summary>
    internal async Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> payload, LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        using var proxyEvent = Parse(payload);
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

        using var scope = invocation.RequestId is { } requestId
            ? _logger.BeginScope(new Dictionary<string, object> { ["AwsRequestId"] = requestId })
            : null;
        using var deadline = new CancellationTokenSource(TimeUntilAbort(invocation.Deadline), _timeProvider);
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);

        var started = _timeProvider.GetTimestamp();
        var response = await _server.HandleAsync(request, invocation.RequestId, translator.MaxResponseBytes, aborted.Token);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var elapsed = _timeProvider.GetElapsedTime(started);
            LogInvocation(_logger, translator.Format, request.Method, request.PathBase + request.Path, response.StatusCode, elapsed.TotalMilliseconds);
        }

        var serialized = Serialize(translator, response);
        if (serialized.Length <= translator.MaxResponseBytes)
        {
            return serialized;
        }

        // Base64 and JSON escaping can push a body that fitted the buffer over the limit; Lambda would fail the
        // whole invocation and API Gateway answer 502, so answer with a problem response instead.
        LogSerializedResponseTooLarge(_logger, serialized.Length, translator.MaxResponseBytes);
        return Serialize(translator, LambdaProblemResponse.TooLarge(response.TraceIdentifier));
    }

    public async ValueTask DisposeAsync()
    {
        await _application.StopAsync();
        await _application.DisposeAsync();
    }

    private TimeSpan TimeUntilAbort(DateTimeOffset? deadline)
    {
        if (deadline is not { } due)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var remaining = due - _timeProvider.GetUtcNow() - AbortAheadOfDeadline;
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

    // One line per invocation (the query string is left out: it may carry personal data).
    [LoggerMessage(Level = LogLevel.Information, Message = "{EventFormat} {Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void LogInvocation(ILogger logger, LambdaEventFormat eventFormat, string method, string path, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DatabaseCopy}")]
    private static partial void LogDatabaseCopy(ILogger logger, string databaseCopy);

    [LoggerMessage(Level = LogLevel.Error, Message = "The serialized response is {Size} bytes, over the limit of {Limit}; answering 500.")]
    private static partial void LogSerializedResponseTooLarge(ILogger logger, int size, int limit);
}
