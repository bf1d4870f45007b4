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
    private readonly CancellationTokenSource _aborted;
    private readonly HeaderDictionary _responseHeaders = new();
    private readonly ResponseBodyBuffer _responseBody;
    private PipeWriter? _responseWriter;

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
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        RequestAborted = _aborted.Token;
        _responseBody = new ResponseBodyBuffer(responseCapacity, () => StartAsync());

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
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

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
