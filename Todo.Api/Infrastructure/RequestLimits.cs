using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Todo.Api.Infrastructure;

public static class RequestLimits
{
    /// <summary>The largest request body the API reads: 64 KiB, whatever the server underneath.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The longest request target (path and query) the API reads: Kestrel's default for the request line.</summary>
    public const int MaxRequestTargetLength = 8 * 1024;

    /// <summary>The most header bytes (names, values and their framing) the API reads: Kestrel's default.</summary>
    public const int MaxRequestHeaderBytes = 32 * 1024;

    /// <summary>The most header fields the API reads: Kestrel's default.</summary>
    public const int MaxRequestHeaderCount = 100;

    public static readonly string TargetTooLongDetail =
        $"The request target (path and query) may be at most {MaxRequestTargetLength} characters.";

    public static readonly string HeadersTooLargeDetail =
        $"The request may have at most {MaxRequestHeaderCount} header fields of at most {MaxRequestHeaderBytes} bytes in all.";

    // Kestrel refuses a head over its own limits before any application code runs, with a bare response (no problem
    // body, no nosniff, no correlation id). Its limits sit well above the API's, so that an oversized head reaches
    // RequestLimitsMiddleware and gets its 414 or 431 problem; past them Kestrel still refuses at once. A connection
    // already buffers up to Kestrel's 1 MiB MaxRequestBufferSize, so these add no worst case of their own.
    private const int KestrelRequestLineBytes = 8 * MaxRequestTargetLength;
    private const int KestrelRequestHeaderBytes = 4 * MaxRequestHeaderBytes;
    private const int KestrelRequestHeaderCount = 4 * MaxRequestHeaderCount;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // RequestLimitsMiddleware enforces the real limit on every server, counting decoded body bytes.
        // Kestrel's own limit also counts chunked framing (a 64 KiB body in small chunks is well over 64 KiB on the
        // wire), so it only stops abuse here, at four times the size.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // An absolute-form target names the host itself, and the server must then ignore Host (RFC 9112 §3.2.2);
            // Kestrel would otherwise refuse a Host that differs with its bare 400.
            kestrel.AllowHostHeaderOverride = true;
            kestrel.Limits.MaxRequestBodySize = 4 * MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestLineSize = KestrelRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = KestrelRequestHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = KestrelRequestHeaderCount;
            kestrel.RequestHeaderEncodingSelector = ContentLengthDigits.Select;
        });
        return builder;
    }

    /// <summary>After the exception handler, so that a refusal is a problem response with the request's one log line.</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestLimitsMiddleware>();
}

/// <summary>
/// Refuses a request whose framing or headers are malformed (400, then the connection is closed: what follows a
/// request we could not frame cannot be trusted to be the next request), a head over the API's limits (414 for the
/// target, 431 for the headers), a standard method in other letters (405), and bodies over
/// <see cref="RequestLimits.MaxRequestBodyBytes"/> with 413: at once when Content-Length says so, and while reading
/// when the body is chunked or the length lies. Kestrel lets through what RFC 9110/9112 say to refuse: a
/// Content-Length with a sign, header names outside tchar, control characters in values, a coding before
/// chunked (which it then ignores), Transfer-Encoding on HTTP/1.0. The Lambda server and the test server take
/// headers as they are given, so the same check covers them too.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, EndpointDataSource endpoints, ParameterPolicyFactory parameterPolicies)
{
    private const string JsonMediaType = "application/json";

    // The display name of routing's own 405 endpoint (HttpMethodMatcherPolicy).
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    private readonly Lazy<RouteShape[]> _routes = new(() => [.. endpoints.Endpoints.OfType<RouteEndpoint>().Select(endpoint => new RouteShape(endpoint.RoutePattern, parameterPolicies))]);

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        if (RequestFraming.Malformation(context.Request) is { } malformed)
        {
            throw malformed;
        }

        if (context.GetEndpoint() is { DisplayName: MethodNotAllowedEndpoint } && !_routes.Value.Any(route => route.Takes(context.Request.Path)))
        {
            // Routing chooses its 405 by the path's shape, before route constraints: POST /todos/abc met
            // /todos/{id:positiveId}, found no POST there and answered 405 with Allow: GET for a URL whose GET is
            // 404. A path no route takes with its constraints names nothing: 404, as for any method.
            context.SetEndpoint(null);
        }

        if (RequestFraming.IsCaseVariantOfStandardMethod(context.Request.Method)
            && context.GetEndpoint() is RouteEndpoint { Metadata: var metadata, RoutePattern.RawText: { } route }
            && metadata.GetMetadata<IHttpMethodMetadata>() is not null)
        {
            // Method names are case-sensitive (RFC 9110 §9.1): "get" is not GET, yet routing matches methods ignoring
            // case. Answered as routing answers a method the path lacks: 405 with Allow (the body is the status
            // code pages' problem).
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = string.Join(", ", endpoints.Endpoints
                .OfType<RouteEndpoint>()
                .Where(endpoint => endpoint.RoutePattern.RawText == route)
                .SelectMany(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal));
            return Task.CompletedTask;
        }

        if (context.Request.ContentLength > RequestLimits.MaxRequestBodyBytes)
        {
            throw new RequestBodyTooLargeException();
        }

        // GET, DELETE and friends without a body: nothing to guard.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            // No body and no media type, on a route that reads JSON: no body to refuse as "not JSON" (415), but the
            // contract's missing JSON (400), the answer a request with no body gets when it says application/json.
            if (context.Request.ContentType is null && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { } accepts
                && accepts.ContentTypes.Contains(JsonMediaType, StringComparer.OrdinalIgnoreCase))
            {
                context.Request.ContentType = JsonMediaType;
            }

            return next(context);
        }

        context.Request.Body = new LengthLimitedReadStream(context.Request.Body, RequestLimits.MaxRequestBodyBytes);
        return next(context);
    }
}

/// <summary>A route's template with its constraints, to ask whether a path names something there, whatever the method.</summary>
internal sealed class RouteShape
{
    private readonly TemplateMatcher _matcher;
    private readonly (string Name, IRouteConstraint Constraint)[] _constraints;

    public RouteShape(RoutePattern pattern, ParameterPolicyFactory parameterPolicies)
    {
        _matcher = new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary(pattern.Defaults));
        _constraints = [.. pattern.ParameterPolicies.SelectMany(policies => policies.Value
            .Select(reference => parameterPolicies.Create(pattern.GetParameter(policies.Key), reference))
            .OfType<IRouteConstraint>()
            .Select(constraint => (policies.Key, constraint)))];
    }

    public bool Takes(PathString path)
    {
        var values = new RouteValueDictionary();
        return _matcher.TryMatch(path, values)
            && _constraints.All(entry => entry.Constraint.Match(httpContext: null, route: null, entry.Name, values, RouteDirection.IncomingRequest));
    }
}

/// <summary>
/// The framing and header rules of RFC 9110 §5.1, §5.5, §8.6 and RFC 9112 §6.1, and the API's limits on the size of
/// a request's head, checked on every request: one pass over the headers with vectorised searches (on Kestrel, which
/// reuses its header enumerator per connection, without an allocation; the Lambda and test servers' dictionary boxes
/// one enumerator per request).
/// </summary>
internal static class RequestFraming
{
    // RFC 9110 §5.6.2: token = 1*tchar.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // RFC 9110 §5.5: a field value is visible characters, SP, HTAB and obs-text; every other control is refused.
    private static readonly SearchValues<char> ControlCharsButTab = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    private const string Chunked = "chunked";

    /// <summary>What is malformed or too large, in words that echo none of the request's bytes; null for a well-formed request.</summary>
    public static MalformedRequestException? Malformation(HttpRequest request)
    {
        if (TargetLength(request) > RequestLimits.MaxRequestTargetLength)
        {
            return new MalformedRequestException(RequestLimits.TargetTooLongDetail, StatusCodes.Status414UriTooLong);
        }

        var headers = request.Headers;
        var (fields, bytes) = (0, 0L);
        foreach (var (name, values) in headers)
        {
            if (Malformation(name, values, ref fields, ref bytes) is { } malformed)
            {
                return new MalformedRequestException(malformed);
            }
        }

        if (fields > RequestLimits.MaxRequestHeaderCount || bytes > RequestLimits.MaxRequestHeaderBytes)
        {
            return new MalformedRequestException(RequestLimits.HeadersTooLargeDetail, StatusCodes.Status431RequestHeaderFieldsTooLarge);
        }

        var transferEncoding = headers.TransferEncoding;
        if (transferEncoding.Count == 0)
        {
            return null;
        }

        // HTTP/1.0 has no chunked coding: a 1.0 message with Transfer-Encoding has faulty framing (RFC 9112 §6.1).
        if (HttpProtocol.IsHttp10(request.Protocol))
        {
            return new MalformedRequestException("Transfer-Encoding is not allowed in an HTTP/1.0 request.");
        }

        // Only "chunked", once: any other coding (gzip, chunked) would be left undone, and a second chunked is
        // chunked twice (RFC 9112 §6.1, §7). The API decodes no content codings.
        return transferEncoding.Count == 1 && Chunked.Equals(transferEncoding[0], StringComparison.OrdinalIgnoreCase)
            ? null
            : new MalformedRequestException("Transfer-Encoding must be exactly one chunked coding.");
    }

    /// <summary>"get", "Post": a standard method in other letters, which is another (unknown) method.</summary>
    public static bool IsCaseVariantOfStandardMethod(string method) =>
        !string.Equals(HttpMethods.GetCanonicalizedValue(method), method, StringComparison.Ordinal);

    private static int TargetLength(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } rawTarget
            ? rawTarget.Length
            : (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);

    /// <summary>One header's malformation, if any; its field lines and their bytes added to the head's count.</summary>
    private static string? Malformation(string name, StringValues values, ref int fields, ref long bytes)
    {
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            return "A header name has a character that a header name may not have.";
        }

        foreach (var value in values)
        {
            if (value is not null && value.AsSpan().ContainsAny(ControlCharsButTab))
            {
                return "A header value has a control character.";
            }

            // As on the wire: "name: value" and CRLF for each field line.
            fields++;
            bytes += name.Length + (value?.Length ?? 0) + 4;
        }

        return name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) && !ContentLengthDigits.IsValid(values)
            ? "The Content-Length header is not a number of bytes."
            : null;
    }
}

/// <summary>
/// Content-Length is 1*DIGIT (RFC 9110 §8.6), but Kestrel parses it as a signed number (<c>+13</c> is 13, <c>-0</c> is
/// 0) and keeps only the number, so the application cannot see the sign. Kestrel asks this selector for the encoding
/// of each header value and decodes Content-Length with this one: it passes digits through, and turns anything else
/// into <see cref="long.MaxValue"/>, which no real body has, so that the request reaches the application and gets its
/// 400 problem (with the correlation id and the request's log line) instead of a bare answer from Kestrel. For every
/// other header the selector keeps Kestrel's default decoding.
/// </summary>
internal sealed class ContentLengthDigits : Encoding
{
    /// <summary>The longest number a long holds has 19 digits; Kestrel decodes Content-Length into 20 characters.</summary>
    private const int MaxDigits = 19;

    private const string Refused = "9223372036854775807";

    private static readonly ContentLengthDigits Instance = new();

    public static Encoding? Select(string headerName) =>
        string.Equals(headerName, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) ? Instance : null;

    /// <summary>One value of only digits, and not the mark of a refused one (Kestrel gives the app the number again).</summary>
    public static bool IsValid(StringValues values) =>
        values.Count == 1
        && values[0] is { Length: > 0 and <= MaxDigits } value
        && !value.AsSpan().ContainsAnyExceptInRange('0', '9')
        && value != Refused;

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        if (!IsDigits(bytes))
        {
            Refused.CopyTo(chars);
            return Refused.Length;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        return bytes.Length;
    }

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetCharCount(byte[] bytes, int index, int count) =>
        IsDigits(bytes.AsSpan(index, count)) ? count : Refused.Length;

    public override int GetMaxCharCount(int byteCount) => Math.Max(byteCount, Refused.Length);

    // Kestrel only decodes request headers with it.
    public override int GetByteCount(char[] chars, int index, int count) => throw new NotSupportedException();

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => throw new NotSupportedException();

    public override int GetMaxByteCount(int charCount) => throw new NotSupportedException();

    private static bool IsDigits(ReadOnlySpan<byte> bytes) =>
        bytes.Length is > 0 and <= MaxDigits && !bytes.ContainsAnyExceptInRange((byte)'0', (byte)'9');
}

/// <summary>
/// The request's framing or headers are malformed, or its head is over the API's limits (<see cref="RequestFraming"/>):
/// a 400, 414 or 431 problem naming what, not a validation problem of the body, which was never read.
/// </summary>
public sealed class MalformedRequestException : BadHttpRequestException
{
    public MalformedRequestException(string detail, int statusCode = StatusCodes.Status400BadRequest)
        : base(detail, statusCode)
    {
    }
}

/// <summary>The request body is larger than the API accepts; answered as 413.</summary>
public sealed class RequestBodyTooLargeException : BadHttpRequestException
{
    public RequestBodyTooLargeException()
        : base("The request body is too large.", StatusCodes.Status413PayloadTooLarge)
    {
    }
}

/// <summary>
/// A read-only view of a request body that answers for what the client sent: more than the limit is a 413, and a
/// body the server cannot decode is a 400. Kestrel reports some broken framing (a chunk size that overflows, a
/// connection reset mid-body) as a bare <see cref="IOException"/>, which would otherwise pass for a server fault.
/// </summary>
internal sealed class LengthLimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return Count(inner.Read(buffer, offset, count));
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            throw Unreadable(exception);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            throw Unreadable(exception);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static BadHttpRequestException Unreadable(IOException exception) =>
        new($"The request body could not be read: {exception.Message}", StatusCodes.Status400BadRequest, exception);

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new RequestBodyTooLargeException();
        }

        return read;
    }
}
