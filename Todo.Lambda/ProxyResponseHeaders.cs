using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>The header shapes of proxy responses.</summary>
internal static class ProxyResponseHeaders
{
    /// <summary><c>"multiValueHeaders": {"name": ["v1", "v2"]}</c>: every value, including each Set-Cookie.</summary>
    public static void WriteMultiValue(Utf8JsonWriter writer, IHeaderDictionary headers)
    {
        writer.WriteStartObject("multiValueHeaders");
        foreach (var (name, values) in headers)
        {
            writer.WriteStartArray(name);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>"headers": {"name": "v1, v2"}</c>: repeated values joined as HTTP allows for list headers. Set-Cookie cannot
    /// be joined that way; <paramref name="includeSetCookie"/> says whether to keep its last value here (ALB's
    /// single-value mode has nowhere else to put it) or leave it out (HTTP API takes it in <c>cookies</c>).
    /// </summary>
    public static void WriteSingleValue(Utf8JsonWriter writer, IHeaderDictionary headers, bool includeSetCookie)
    {
        writer.WriteStartObject("headers");
        foreach (var (name, values) in headers)
        {
            if (name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
            {
                if (includeSetCookie && values.Count > 0)
                {
                    writer.WriteString(name, values[^1]);
                }

                continue;
            }

            writer.WriteString(name, string.Join(", ", values.ToArray()));
        }

        writer.WriteEndObject();
    }
}
