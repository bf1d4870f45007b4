using System.Net;

namespace Todo.Tests.Api;

/// <summary>A body whose length is not known up front, so it goes out without Content-Length (chunked).</summary>
public sealed class ChunkedContent : HttpContent
{
    private const int ChunkSize = 4096;
    private readonly byte[] _bytes;

    public ChunkedContent(byte[] bytes, string mediaType)
    {
        _bytes = bytes;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _bytes.Length; offset += ChunkSize)
        {
            await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(ChunkSize, _bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
