using System.Net;

namespace Todo.Tests.Support;

/// <summary>A body whose length is not known up front, so it goes out without Content-Length (chunked).</summary>
public sealed class ChunkedContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly int _chunkSize;

    /// <param name="chunkSize">Bytes per write, so per chunk on the wire.</param>
    public ChunkedContent(byte[] bytes, string mediaType, int chunkSize = 4096)
    {
        _bytes = bytes;
        _chunkSize = chunkSize;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _bytes.Length; offset += _chunkSize)
        {
            await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(_chunkSize, _bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
