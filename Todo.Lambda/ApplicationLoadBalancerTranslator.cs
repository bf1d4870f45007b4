using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Todo.Lambda;

/// <summary>
/// Application Load Balancer target-group events. Unlike API Gateway, ALB leaves query keys and values encoded, and
/// the response must use the same header mode as the request: <c>multiValueHeaders</c> when the target group has
/// multi-value headers turned on, <c>headers</c> otherwise.
/// </summary>
internal sealed class ApplicationLoadBalancerTranslator(bool multiValueHeaders) : IProxyEventTranslator
{
    public LambdaEventFormat Format => LambdaEventFormat.ApplicationLoadBalancer;

    public int MaxResponseBytes => LambdaPayloadLimits.ApplicationLoadBalancerResponseBytes;

    /// <summary>Multi-value mode shows in the event: it carries <c>multiValueHeaders</c> instead of <c>headers</c>.</summary>
    public static ApplicationLoadBalancerTranslator For(JsonElement proxyEvent) =>
        new(ProxyEventJson.HasMember(proxyEvent, "multiValueHeaders") || ProxyEventJson.HasMember(proxyEvent, "multiValueQueryStringParameters"));

    public ProxyRequest ReadRequest(JsonElement proxyEvent)
    {
        var body = ProxyEventJson.Body(proxyEvent);
        var headers = ProxyEventJson.Headers(ProxyEventJson.Pairs(proxyEvent, "multiValueHeaders", "headers"), body.Length, hostFallback: null);
        var path = ProxyEventJson.RequiredString(proxyEvent, "path");

        return new ProxyRequest
        {
            Method = ProxyEventJson.RequiredString(proxyEvent, "httpMethod"),
            Scheme = ProxyEventJson.Scheme(headers),
            Path = ProxyUrl.DecodePath(path.StartsWith('/') ? path : "/" + path),
            QueryString = ProxyUrl.BuildQueryFromEncoded(
                ProxyEventJson.Pairs(proxyEvent, "multiValueQueryStringParameters", "queryStringParameters")),
            Headers = headers,
            Body = body,
            RemoteIpAddress = ProxyEventJson.IpAddress(ConnectingAddress(headers)),
            LocalPort = ProxyEventJson.LocalPort(headers),
        };
    }

    public void WriteResponse(Utf8JsonWriter writer, ProxyResponse response)
    {
        writer.WriteStartObject();
        writer.WriteNumber("statusCode", response.StatusCode);
        writer.WriteString("statusDescription", $"{response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}".TrimEnd());
        if (multiValueHeaders)
        {
            ProxyResponseHeaders.WriteMultiValue(writer, response.Headers);
        }
        else
        {
            ProxyResponseHeaders.WriteSingleValue(writer, response.Headers, includeSetCookie: true);
        }

        ProxyResponseBody.Write(writer, response);
        writer.WriteEndObject();
    }

    /// <summary>
    /// ALB has no source-ip field; it appends the address that connected to it to X-Forwarded-For. Only that last
    /// entry is ALB's own word; anything before it came from the client and may be forged.
    /// </summary>
    private static string? ConnectingAddress(HeaderDictionary headers)
    {
        var forwardedFor = headers["X-Forwarded-For"].ToString();
        return forwardedFor.Length == 0 ? null : forwardedFor.Split(',')[^1];
    }
}
