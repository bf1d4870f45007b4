using Microsoft.AspNetCore.Http;

namespace Todo.Lambda;

/// <summary>An HTTP response read back from the application, ready to be written in an event's response shape.</summary>
internal sealed class ProxyResponse
{
    public required int StatusCode { get; init; }

    /// <summary>The application's headers without the framing ones (Content-Length, Transfer-Encoding).</summary>
    public required IHeaderDictionary Headers { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The request's trace identifier, for problem responses that replace the application's.</summary>
    public string TraceIdentifier { get; init; } = string.Empty;

    /// <summary>The application's last execution context for the request (<see cref="LambdaHttpFeatures.ApplicationContext"/>).</summary>
    public ExecutionContext? ApplicationContext { get; init; }
}
