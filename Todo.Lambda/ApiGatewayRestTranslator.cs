using System.Text.Json;

namespace Todo.Lambda;

/// <summary>
/// API Gateway REST API events (Lambda proxy integration, payload format 1.0). API Gateway hands over the path
/// still encoded, but query keys and values decoded; the stage or custom-domain base path is only visible by comparing
/// <c>path</c> with <c>requestContext.path</c>.
/// </summary>
internal sealed class ApiGatewayRestTranslator : IProxyEventTranslator
{
    public LambdaEventFormat Format => LambdaEventFormat.ApiGatewayRest;

    public int MaxResponseBytes => LambdaPayloadLimits.SynchronousResponseBytes;

    public ProxyRequest ReadRequest(JsonElement proxyEvent)
    {
        var requestContext = ProxyEventJson.Object(proxyEvent, "requestContext");
        var body = ProxyEventJson.Body(proxyEvent);
        var headers = ProxyEventJson.Headers(
            ProxyEventJson.Pairs(proxyEvent, "multiValueHeaders", "headers"),
            body.Length,
            ProxyEventJson.String(requestContext, "domainName"));
        var (pathBase, path) = SplitPath(proxyEvent, requestContext);

        return new ProxyRequest
        {
            Method = ProxyEventJson.RequiredString(proxyEvent, "httpMethod"),
            Scheme = ProxyEventJson.Scheme(headers),
            Protocol = ProxyEventJson.String(requestContext, "protocol") ?? "HTTP/1.1",
            PathBase = pathBase,
            Path = path,
            QueryString = ProxyUrl.BuildQueryFromDecoded(
                ProxyEventJson.Pairs(proxyEvent, "multiValueQueryStringParameters", "queryStringParameters")),
            Headers = headers,
            Body = body,
            TraceIdentifier = ProxyEventJson.String(requestContext, "requestId"),
            RemoteIpAddress = ProxyEventJson.IpAddress(
                ProxyEventJson.String(ProxyEventJson.Object(requestContext, "identity"), "sourceIp")),
            LocalPort = ProxyEventJson.LocalPort(headers),
        };
    }

    public void WriteResponse(Utf8JsonWriter writer, ProxyResponse response)
    {
        writer.WriteStartObject();
        writer.WriteNumber("statusCode", response.StatusCode);
        ProxyResponseHeaders.WriteMultiValue(writer, response.Headers);
        ProxyResponseBody.Write(writer, response);
        writer.WriteEndObject();
    }

    /// <summary>Finds the application path and the prefix in front of it (stage, custom-domain base path).</summary>
    private static (string PathBase, string Path) SplitPath(JsonElement proxyEvent, JsonElement? requestContext)
    {
        var path = Rooted(ProxyUrl.DecodePath(ProxyEventJson.RequiredString(proxyEvent, "path")));

        // Behind a custom domain with a base path mapping, `path` carries the base path too; for a greedy proxy
        // resource the application path is the resource with the proxy segment filled in, and the rest is a prefix.
        var mappedPrefix = string.Empty;
        var resource = ProxyEventJson.String(proxyEvent, "resource");
        var proxy = ProxyEventJson.String(ProxyEventJson.Object(proxyEvent, "pathParameters"), "proxy");
        if (resource is not null && proxy is not null && resource.Contains("{proxy+}", StringComparison.Ordinal))
        {
            var resourcePath = Rooted(ProxyUrl.DecodePath(resource.Replace("{proxy+}", proxy.TrimStart('/'), StringComparison.Ordinal)));
            if (PrefixBefore(path, resourcePath) is { Length: > 0 } prefix)
            {
                mappedPrefix = prefix;
                path = resourcePath;
            }
        }

        // requestContext.path is the whole path the client asked for: stage (or base path) and all.
        var requestPath = ProxyEventJson.String(requestContext, "path");
        if (requestPath is not null && PrefixBefore(Rooted(ProxyUrl.DecodePath(requestPath)), path) is { } pathBase)
        {
            return (pathBase, path);
        }

        return (mappedPrefix, path);
    }

    /// <summary>The prefix of <paramref name="whole"/> in front of <paramref name="tail"/> at a segment boundary, ignoring a trailing slash.</summary>
    private static string? PrefixBefore(string whole, string tail)
    {
        var trimmedWhole = whole.TrimEnd('/');
        var trimmedTail = tail.TrimEnd('/');
        if (!trimmedWhole.EndsWith(trimmedTail, StringComparison.Ordinal))
        {
            return null;
        }

        var prefix = trimmedWhole[..^trimmedTail.Length];
        return prefix.Length == 0 || (prefix[0] == '/' && prefix[^1] != '/') ? prefix : null;
    }

    private static string Rooted(string path) => path.StartsWith('/') ? path : "/" + path;
}
