using System.Net;
using Microsoft.AspNetCore.Http;

namespace Todo.Lambda;

/// <summary>An HTTP request as read from a proxy event, before it becomes ASP.NET Core request features.</summary>
internal sealed class ProxyRequest
{
    public required string Method { get; init; }

    public string Scheme { get; init; } = "https";

    public string Protocol { get; init; } = "HTTP/1.1";

    /// <summary>The decoded prefix (stage, custom-domain base path) the application sees as <c>PathBase</c>.</summary>
    public string PathBase { get; init; } = string.Empty;

    /// <summary>The decoded path, starting with <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Empty, or the encoded query string starting with <c>?</c>.</summary>
    public string QueryString { get; init; } = string.Empty;

    public required HeaderDictionary Headers { get; init; }

    public byte[] Body { get; init; } = [];

    /// <summary>The front door's request id (API Gateway's <c>requestContext.requestId</c>), when it has one.</summary>
    public string? TraceIdentifier { get; init; }

    public IPAddress? RemoteIpAddress { get; init; }

    public int LocalPort { get; init; }
}
