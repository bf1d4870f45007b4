using System.Text.Json;

namespace Todo.Lambda;

/// <summary>Turns one kind of proxy event into a request, and a response into that kind's proxy response.</summary>
internal interface IProxyEventTranslator
{
    LambdaEventFormat Format { get; }

    /// <summary>The largest serialized response the front door accepts from the function.</summary>
    int MaxResponseBytes { get; }

    ProxyRequest ReadRequest(JsonElement proxyEvent);

    void WriteResponse(Utf8JsonWriter writer, ProxyResponse response);
}

internal static class LambdaPayloadLimits
{
    /// <summary>Lambda's limit for a synchronous invocation's response payload (6 MB), counted on the whole JSON.</summary>
    public const int SynchronousResponseBytes = 6_291_556;

    /// <summary>An ALB target's response limit (1 MB), stricter than Lambda's own.</summary>
    public const int ApplicationLoadBalancerResponseBytes = 1_048_576;
}

/// <summary>
/// The invocation payload is not a proxy event this adapter can translate. It fails the invocation rather than
/// producing an HTTP response, because there is no HTTP client on the other end that could make sense of one.
/// </summary>
public sealed class LambdaEventFormatException : Exception
{
    public LambdaEventFormatException()
    {
    }

    public LambdaEventFormatException(string message)
        : base(message)
    {
    }

    public LambdaEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
