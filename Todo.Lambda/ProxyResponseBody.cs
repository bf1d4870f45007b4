using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>
/// Writes a response body into a proxy response: as UTF-8 text when the content is text, otherwise as base64 with
/// <c>isBase64Encoded: true</c> (API Gateway and ALB turn that back into bytes). The decision reads the content type
/// and content encoding rather than a fixed list of media types, so <c>application/problem+json</c>, a compressed
/// JSON body or an unknown binary type each land on the right side.
/// </summary>
internal static class ProxyResponseBody
{
    public static void Write(Utf8JsonWriter writer, ProxyResponse response)
    {
        var body = response.Body.Span;
        if (body.IsEmpty)
        {
            writer.WriteString("body", string.Empty);
            writer.WriteBoolean("isBase64Encoded", false);
        }
        else if (IsText(response.Headers.ContentType.ToString(), response.Headers.ContentEncoding.ToString(), body))
        {
            writer.WriteString("body", Encoding.UTF8.GetString(body));
            writer.WriteBoolean("isBase64Encoded", false);
        }
        else
        {
            writer.WriteBase64String("body", body);
            writer.WriteBoolean("isBase64Encoded", true);
        }
    }

    public static bool IsText(string? contentType, string? contentEncoding, ReadOnlySpan<byte> body)
    {
        // Compressed bytes are binary whatever the media type says.
        if (!string.IsNullOrWhiteSpace(contentEncoding) && !contentEncoding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var charset = mediaType.Charset.Value;
        if (charset is not null && !IsUtf8Compatible(charset))
        {
            return false;
        }

        var type = mediaType.Type.Value ?? string.Empty;
        var subType = mediaType.SubType.Value ?? string.Empty;
        var textual = charset is not null
            || type.Equals("text", StringComparison.OrdinalIgnoreCase)
            || subType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || subType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || (type.Equals("application", StringComparison.OrdinalIgnoreCase) && TextualApplicationSubtypes.Contains(subType));

        // A body that claims to be text but is not valid UTF-8 would be mangled by a JSON string; base64 keeps it.
        return textual && Utf8.IsValid(body);
    }

    private static bool IsUtf8Compatible(string charset) =>
        charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase)
        || charset.Trim('"').Equals("us-ascii", StringComparison.OrdinalIgnoreCase);

    private static readonly HashSet<string> TextualApplicationSubtypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded", "graphql", "yaml", "x-yaml", "x-ndjson",
        "ld+json", "sql", "csv",
    };
}
