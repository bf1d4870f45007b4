namespace Todo.Api.Infrastructure;

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
