using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Todo.Lambda;

/// <summary>
/// The ASP.NET Core features of one invocation: the request read from the event, and a response that is buffered
/// and read back once the application is done. One object serves every feature interface, as Kestrel's connection
/// does; nothing here touches a socket.
/// </summary>
internal sealed class LambdaHttpFeatures :
    IHttpRequestFeature,
    IHttpRequestBodyDetectionFeature,
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpRequestIdentifierFeature,
    IHttpConnectionFeature,
    IHttpRequestLifetimeFeature,
    IAsyncDisposable
{
    private readonly Stack<(Func<object, Task> Callback, object State)> _onStarting = new();
    private readonly Stack<(Func<object, Task> Callback, object State)> _onCompleted = new();
    private readonly CancellationToken _invocationAborted;
    private readonly CancellationTokenSource _aborted;
    private readonly HeaderDictionary _responseHeaders = new();
    private readonly ResponseBodyBuffer _responseBody;
    private PipeWriter? _responseWriter;
    private int _statusCode = StatusCodes.Status200OK;

    /// <param name="fallbackTraceIdentifier">For events without a request id of their own (ALB): the invocation's.</param>
    public LambdaHttpFeatures(ProxyRequest request, string? fallbackTraceIdentifier, int responseCapacity, CancellationToken requestAborted)
    {
        Method = request.Method;
        Scheme = request.Scheme;
        Protocol = request.Protocol;
        PathBase = request.PathBase;
        Path = request.Path;
        QueryString = request.QueryString;
        RawTarget = new PathString(request.PathBase).Add(new PathString(request.Path)).ToUriComponent() + request.QueryString;
        Headers = request.Headers;
        Body = new MemoryStream(request.Body, writable: false);
        CanHaveBody = request.Body.Length > 0;
        TraceIdentifier = request.TraceIdentifier ?? fallbackTraceIdentifier ?? Guid.NewGuid().ToString("N");
        RemoteIpAddress = request.RemoteIpAddress;
        LocalPort = request.LocalPort;
        ConnectionId = TraceIdentifier;
        _invocationAborted = requestAborted;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        RequestAborted = _aborted.Token;
        _responseBody = new ResponseBodyBuffer(responseCapacity, OnFirstWrite, OnOverflow);

        Features.Set<IHttpRequestFeature>(this);
        Features.Set<IHttpRequestBodyDetectionFeature>(this);
        Features.Set<IHttpResponseFeature>(this);
        Features.Set<IHttpResponseBodyFeature>(this);
        Features.Set<IHttpRequestIdentifierFeature>(this);
        Features.Set<IHttpConnectionFeature>(this);
        Features.Set<IHttpRequestLifetimeFeature>(this);
    }

    public FeatureCollection Features { get; } = new();

    /// <summary>The response body as buffered; empty once <see cref="DiscardResponse"/> ran.</summary>
    public ReadOnlyMemory<byte> ResponseBody => _responseBody.Content;

    public bool ResponseOverflowed => _responseBody.Overflowed;

    /// <summary>
    /// The execution context in which the application last set the status or started the body: its logging scopes
    /// (the correlation id among them) and its <see cref="System.Diagnostics.Activity"/>. What the adapter writes
    /// about the request afterwards, its log lines and the problem response that replaces the application's, runs in
    /// it, so it carries the same correlation id and trace id as the application's own lines.
    /// </summary>
    public ExecutionContext? ApplicationContext { get; private set; }

    /// <summary>The request was cut short by the invocation's deadline (or the runtime shutting down).</summary>
    public bool DeadlineReached => _invocationAborted.IsCancellationRequested && _statusCode == StatusCodes.Status504GatewayTimeout;

    // IHttpRequestFeature
    public string Protocol { get; set; }

    public string Scheme { get; set; }

    public string Method { get; set; }

    public string PathBase { get; set; }

    public string Path { get; set; }

    public string QueryString { get; set; }

    public string RawTarget { get; set; }

    public IHeaderDictionary Headers { get; set; }

    public Stream Body { get; set; }

    // IHttpRequestBodyDetectionFeature
    public bool CanHaveBody { get; }

    // IHttpResponseFeature

    /// <summary>
    /// The status as the client will get it, which is what the application's own request line reads. ASP.NET Core's
    /// exception handler answers a cancellation it sees with RequestAborted fired as 499 (client closed request); on
    /// Lambda nobody closed anything, the invocation's deadline fired, and the answer is 504.
    /// </summary>
    public int StatusCode
    {
        get => _statusCode;
        set
        {
            _statusCode = value == StatusCodes.Status499ClientClosedRequest && _invocationAborted.IsCancellationRequested
                ? StatusCodes.Status504GatewayTimeout
                : value;
            RememberApplicationContext();
        }
    }

    public string? ReasonPhrase { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers
    {
        get => _responseHeaders;
        set => throw new NotSupportedException("The response headers cannot be replaced.");
    }

    [Obsolete("Use IHttpResponseBodyFeature.Stream.")]
    Stream IHttpResponseFeature.Body
    {
        get => _responseBody;
        set => throw new NotSupportedException("The response body stream cannot be replaced.");
    }

    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        _onStarting.Push((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Push((callback, state));

    // IHttpResponseBodyFeature
    public Stream Stream => _responseBody;

    public PipeWriter Writer => _responseWriter ??= PipeWriter.Create(_responseBody, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering()
    {
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted)
        {
            return;
        }

        // Callbacks run last-registered first, as on Kestrel; the headers freeze once they have run.
        while (_onStarting.TryPop(out var registration))
        {
            await registration.Callback(registration.State);
        }

        HasStarted = true;
        _responseHeaders.IsReadOnly = true;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_responseBody, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await StartAsync();
        if (_responseWriter is not null)
        {
            await _responseWriter.FlushAsync();
        }
    }

    // IHttpRequestIdentifierFeature
    public string TraceIdentifier { get; set; }

    // IHttpConnectionFeature
    public string ConnectionId { get; set; }

    public IPAddress? RemoteIpAddress { get; set; }

    public IPAddress? LocalIpAddress { get; set; }

    public int RemotePort { get; set; }

    public int LocalPort { get; set; }

    // IHttpRequestLifetimeFeature
    public CancellationToken RequestAborted { get; set; }

    public void Abort() => _aborted.Cancel();

    /// <summary>
    /// The response as it stands, without the framing headers the proxy integration sets itself, nor Connection: an
    /// event has no connection, and what the application says about one (close it after a malformed request) is for
    /// Kestrel.
    /// </summary>
    public IHeaderDictionary ResponseHeaders
    {
        get
        {
            var headers = new HeaderDictionary();
            foreach (var (name, values) in _responseHeaders)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                    && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    headers[name] = values;
                }
            }

            return headers;
        }
    }

    public void DiscardResponse() => _responseBody.Discard();

    /// <summary>
    /// Called by the server once the hosting layer has begun the request (its Activity and log scope), and here at
    /// every status the application sets and at its first byte of body; not when the server completes the response,
    /// which is outside the application's scopes.
    /// </summary>
    public void RememberApplicationContext() => ApplicationContext = ExecutionContext.Capture() ?? ApplicationContext;

    private Task OnFirstWrite()
    {
        RememberApplicationContext();
        return StartAsync();
    }

    // A body over the payload limit is answered 500 (the adapter's problem response): the status is decided at the
    // first byte too many, while the application's request line can still read it.
    private void OnOverflow()
    {
        _statusCode = StatusCodes.Status500InternalServerError;
        RememberApplicationContext();
    }

    public async Task RunOnCompletedAsync()
    {
        while (_onCompleted.TryPop(out var registration))
        {
            await registration.Callback(registration.State);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_responseWriter is not null)
        {
            await _responseWriter.CompleteAsync();
        }

        await _responseBody.DisposeAsync();
        await Body.DisposeAsync();
        _aborted.Dispose();
    }
}
