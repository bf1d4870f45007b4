using System.Text.Json;

namespace Todo.Lambda;

/// <summary>Picks the translator for an event: the configured one, or the one the event's shape points to.</summary>
internal sealed class ProxyEventTranslators(LambdaEventFormat configuredFormat)
{
    private readonly ApiGatewayRestTranslator _rest = new();
    private readonly ApiGatewayHttpTranslator _http = new();

    public IProxyEventTranslator For(JsonElement proxyEvent)
    {
        if (proxyEvent.ValueKind != JsonValueKind.Object)
        {
            throw new LambdaEventFormatException($"The event is {proxyEvent.ValueKind.ToString().ToLowerInvariant()}, not a JSON object.");
        }

        return (configuredFormat == LambdaEventFormat.Auto ? Detect(proxyEvent) : configuredFormat) switch
        {
            LambdaEventFormat.ApiGatewayRest => _rest,
            LambdaEventFormat.ApiGatewayHttp => _http,
            LambdaEventFormat.ApplicationLoadBalancer => ApplicationLoadBalancerTranslator.For(proxyEvent),
            _ => throw new LambdaEventFormatException(
                "The event is not an API Gateway REST API (payload 1.0), HTTP API (payload 2.0) or ALB proxy event."),
        };
    }

    /// <summary>
    /// <c>"version": "2.0"</c> marks HTTP API events; <c>requestContext.elb</c> marks ALB; a top-level
    /// <c>httpMethod</c> marks payload 1.0 (REST APIs, and HTTP APIs set to 1.0); <c>requestContext.http</c> is a
    /// 2.0 event that lost its version.
    /// </summary>
    private static LambdaEventFormat Detect(JsonElement proxyEvent)
    {
        var requestContext = ProxyEventJson.Object(proxyEvent, "requestContext");
        if (ProxyEventJson.String(proxyEvent, "version") == "2.0")
        {
            return LambdaEventFormat.ApiGatewayHttp;
        }

        if (ProxyEventJson.HasMember(requestContext ?? default, "elb"))
        {
            return LambdaEventFormat.ApplicationLoadBalancer;
        }

        if (ProxyEventJson.HasMember(proxyEvent, "httpMethod"))
        {
            return LambdaEventFormat.ApiGatewayRest;
        }

        return ProxyEventJson.HasMember(requestContext ?? default, "http") ? LambdaEventFormat.ApiGatewayHttp : LambdaEventFormat.Auto;
    }
}
