using System.Net.Sockets;
using System.Text;

namespace Todo.Tests.Kestrel;

/// <summary>
/// Bytes on a socket, for requests no HTTP client will send (broken chunk framing, a body cut short), and the
/// response read back until the server closes the connection.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <returns>The response, or null when the server closed the connection without one.</returns>
    public static async Task<Response?> SendAsync(Uri server, string request, bool closeAfterSending = false)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        if (closeAfterSending)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // A reset after (or instead of) the response: what arrived is what there is.
        }

        return received.Length == 0 ? null : Parse(Encoding.Latin1.GetString(received.ToArray()));
    }

    private static Response Parse(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..headEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(headEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }

        return new Response(status, headers, body);
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (true)
        {
            var sizeEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..sizeEnd], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, sizeEnd + 2, size);
            position = sizeEnd + 2 + size + 2;
        }
    }
}
