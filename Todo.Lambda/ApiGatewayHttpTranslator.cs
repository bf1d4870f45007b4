using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>
/// API Gateway HTTP API events (payload format 2.0). The raw query string is passed through untouched: its decoded
/// twin <c>queryStringParameters</c> is lossy (<c>%2B</c> arrives there as a space, repeated keys comma-joined).
/// Header values are not split on commas: HTTP API joins repeated headers with commas, but single values such as
/// User-Agent or Date contain commas of their own.
/// </summary>
internal sealed class ApiGatewayHttpTranslator : IProxyEventTranslator
{
    public LambdaEventFormat Format => LambdaEventFormat.ApiGatewayHttp;

    public int MaxResponseBytes => LambdaPayloadLimits.SynchronousResponseBytes;

    public ProxyRequest ReadRequest(JsonElement proxyEvent)
    {
        var requestContext = ProxyEventJson.Object(proxyEvent, "requestContext");
        var http = ProxyEventJson.Object(requestContext, "http");
        var body = ProxyEventJson.Body(proxyEvent);
        var headers = ProxyEventJson.Headers(
            ProxyEventJson.Pairs(proxyEvent, "multiValueHeaders", "headers"),
            body.Length,
            ProxyEventJson.String(requestContext, "domainName"));

        if (ProxyEventJson.HasMember(proxyEvent, "cookies"))
        {
            var cookies = proxyEvent.GetProperty("cookies");
            if (cookies.ValueKind != JsonValueKind.Array)
            {
                throw new LambdaEventFormatException("The event's 'cookies' is not an array.");
            }

            var joined = string.Join("; ", cookies.EnumerateArray().Select(cookie => cookie.GetString()));
            if (joined.Length > 0)
            {
                headers[HeaderNames.Cookie] = joined;
            }
        }

        var rawPath = ProxyEventJson.String(proxyEvent, "rawPath")
            ?? ProxyEventJson.String(http, "path")
            ?? throw new LambdaEventFormatException("The event has no 'rawPath'.");
        var (pathBase, path) = SplitStage(rawPath, ProxyEventJson.String(requestContext, "stage"));
        var rawQuery = ProxyEventJson.String(proxyEvent, "rawQueryString");

        return new ProxyRequest
        {
            Method = ProxyEventJson.String(http, "method") ?? throw new LambdaEventFormatException("The event has no 'requestContext.http.method'."),
            Scheme = ProxyEventJson.Scheme(headers),
            Protocol = ProxyEventJson.String(http, "protocol") ?? "HTTP/1.1",
            PathBase = pathBase,
            Path = path,
            QueryString = string.IsNullOrEmpty(rawQuery) ? string.Empty : "?" + rawQuery,
            Headers = headers,
            Body = body,
            TraceIdentifier = ProxyEventJson.String(requestContext, "requestId"),
            RemoteIpAddress = ProxyEventJson.IpAddress(ProxyEventJson.String(http, "sourceIp")),
            LocalPort = ProxyEventJson.LocalPort(headers),
        };
    }

    public void WriteResponse(Utf8JsonWriter writer, ProxyResponse response)
    {
        writer.WriteStartObject();
        writer.WriteNumber("statusCode", response.StatusCode);
        ProxyResponseHeaders.WriteSingleValue(writer, response.Headers, includeSetCookie: false);
        writer.WriteStartArray("cookies");
        foreach (var cookie in response.Headers.SetCookie)
        {
            writer.WriteStringValue(cookie);
        }

        writer.WriteEndArray();
        ProxyResponseBody.Write(writer, response);
        writer.WriteEndObject();
    }

    /// <summary>
    /// On a named stage the raw path starts with the stage; it becomes <c>PathBase</c> only as a whole first segment,
    /// so stage <c>beta</c> leaves <c>/betamax</c> alone. <c>$default</c> never appears in the path.
    /// </summary>
    private static (string PathBase, string Path) SplitStage(string rawPath, string? stage)
    {
        var path = rawPath.StartsWith('/') ? rawPath : "/" + rawPath;
        if (!string.IsNullOrEmpty(stage) && stage != "$default")
        {
            var prefix = "/" + stage;
            if (path.Equals(prefix, StringComparison.Ordinal) || path.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                var rest = path[prefix.Length..];
                return (ProxyUrl.DecodePath(prefix), ProxyUrl.DecodePath(rest.Length == 0 ? "/" : rest));
            }
        }

        return (string.Empty, ProxyUrl.DecodePath(path));
    }
}
