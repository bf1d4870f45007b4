namespace Todo.Lambda;

/// <summary>
/// The response body stream: it holds the bytes for the proxy response, tells the response it has started on the
/// first write, and stops keeping bytes past the payload limit so that an oversized response costs no more memory
/// than the limit; the first byte too many calls <c>onOverflow</c>.
/// </summary>
internal sealed class ResponseBodyBuffer(int capacity, Func<Task> onFirstWrite, Action onOverflow) : Stream
{
    private readonly MemoryStream _buffer = new();
    private bool _started;

    public bool Overflowed { get; private set; }

    public ReadOnlyMemory<byte> Content => _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await StartAsync();
        Append(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous writes are rare (ASP.NET Core disallows them unless an app opts in); the start callbacks are
    // still awaited so the response headers are final before the first byte.
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        StartAsync().GetAwaiter().GetResult();
        Append(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => StartAsync();

    public override void Flush() => StartAsync().GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Forgets what the application wrote, for when an error replaces its response.</summary>
    public void Discard()
    {
        _buffer.SetLength(0);
        Overflowed = false;
    }

    private Task StartAsync()
    {
        if (_started)
        {
            return Task.CompletedTask;
        }

        _started = true;
        return onFirstWrite();
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (Overflowed)
        {
            return;
        }

        if (_buffer.Length + bytes.Length > capacity)
        {
            Overflowed = true;
            onOverflow();
            return;
        }

        _buffer.Write(bytes);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
