using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>Reading proxy events: tolerant of absent and null members, strict about wrongly typed ones.</summary>
internal static class ProxyEventJson
{
    public static JsonElement? Object(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw WrongKind(name, "an object", value);
    }

    public static string? String(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongKind(name, "a string", value);
    }

    public static string RequiredString(JsonElement parent, string name) =>
        String(parent, name) ?? throw new LambdaEventFormatException($"The event has no '{name}'.");

    public static string? String(JsonElement? parent, string name) => parent is { } element ? String(element, name) : null;

    public static JsonElement? Object(JsonElement? parent, string name) => parent is { } element ? Object(element, name) : null;

    /// <summary>
    /// Reads a map that may come in multi-value form (<c>{"k": ["a", "b"]}</c>) and single-value form
    /// (<c>{"k": "a"}</c>); the multi-value one wins when both are present because it is the complete one.
    /// </summary>
    public static List<KeyValuePair<string, string>> Pairs(JsonElement parent, string multiValueName, string singleValueName)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (Object(parent, multiValueName) is { } multi)
        {
            foreach (var property in multi.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw WrongKind($"{multiValueName}.{property.Name}", "an array", property.Value);
                }

                foreach (var item in property.Value.EnumerateArray())
                {
                    pairs.Add(new(property.Name, ScalarText($"{multiValueName}.{property.Name}", item)));
                }
            }
        }
        else if (Object(parent, singleValueName) is { } single)
        {
            foreach (var property in single.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    pairs.Add(new(property.Name, ScalarText($"{singleValueName}.{property.Name}", property.Value)));
                }
            }
        }

        return pairs;
    }

    public static bool HasMember(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The request body: <c>body</c>, base64-decoded when <c>isBase64Encoded</c> says so.</summary>
    public static byte[] Body(JsonElement proxyEvent)
    {
        var body = String(proxyEvent, "body");
        if (string.IsNullOrEmpty(body))
        {
            return [];
        }

        var isBase64 = proxyEvent.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
        if (!isBase64)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        try
        {
            return Convert.FromBase64String(body);
        }
        catch (FormatException exception)
        {
            throw new LambdaEventFormatException("The event says its body is base64 but it is not.", exception);
        }
    }

    /// <summary>Request headers as the application should see them, for a body that has already been de-framed.</summary>
    public static HeaderDictionary Headers(IEnumerable<KeyValuePair<string, string>> pairs, int bodyLength, string? hostFallback)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, value) in pairs)
        {
            headers[name] = StringValues.Concat(headers[name], value);
        }

        // The body arrives whole, so chunked framing no longer applies, and a client's Content-Length (API Gateway
        // forwards it even when it drops the body) must describe the bytes the application will actually read.
        headers.Remove(HeaderNames.TransferEncoding);
        if (bodyLength > 0 || headers.ContainsKey(HeaderNames.ContentLength))
        {
            headers.ContentLength = bodyLength;
        }

        if (!headers.ContainsKey(HeaderNames.Host) && !string.IsNullOrEmpty(hostFallback))
        {
            headers[HeaderNames.Host] = hostFallback;
        }

        return headers;
    }

    /// <summary>The scheme the client used: the front door terminates TLS and says so in X-Forwarded-Proto.</summary>
    public static string Scheme(IHeaderDictionary headers)
    {
        var forwarded = headers["X-Forwarded-Proto"].ToString();
        return forwarded.Equals("http", StringComparison.OrdinalIgnoreCase) ? "http" : "https";
    }

    /// <summary>The server port the client connected to, from X-Forwarded-Port; 0 when unknown.</summary>
    public static int LocalPort(IHeaderDictionary headers) =>
        int.TryParse(headers["X-Forwarded-Port"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 0;

    /// <summary>Parses a source address, accepting the <c>/32</c> suffix some samples carry.</summary>
    public static IPAddress? IpAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash >= 0 ? text[..slash] : text;
        return IPAddress.TryParse(address.Trim(), out var parsed) ? parsed : null;
    }

    private static string ScalarText(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw WrongKind(name, "a string", value),
    };

    private static LambdaEventFormatException WrongKind(string name, string expected, JsonElement actual) =>
        new($"The event's '{name}' is {actual.ValueKind.ToString().ToLowerInvariant()}, not {expected}.");
}
