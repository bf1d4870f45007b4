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
