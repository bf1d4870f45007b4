using Microsoft.AspNetCore.Http.Features;

namespace Todo.Api.Infrastructure;

public static class RequestLimits
{
    /// <summary>The largest request body the API reads: 64 KiB, whatever the server underneath.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // RequestBodyLimitMiddleware enforces the real limit on every server, counting decoded body bytes.
        // Kestrel's own limit also counts chunked framing (a 64 KiB body in small chunks is well over 64 KiB on the
        // wire), so it only stops abuse here, at four times the size.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 4 * MaxRequestBodyBytes;
        });
        return builder;
    }

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestBodyLimitMiddleware>();
}

/// <summary>
/// Rejects bodies over <see cref="RequestLimits.MaxRequestBodyBytes"/> with 413: at once when Content-Length says so,
/// and while reading when the body is chunked or the length lies.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        if (context.Request.ContentLength > RequestLimits.MaxRequestBodyBytes)
        {
            throw new RequestBodyTooLargeException();
        }

        // GET, DELETE and friends without a body: nothing to guard.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return next(context);
        }

        context.Request.Body = new LengthLimitedReadStream(context.Request.Body, RequestLimits.MaxRequestBodyBytes);
        return next(context);
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
