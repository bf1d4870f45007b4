using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Formatters;

namespace Todo.Api.Infrastructure;

/// <summary>
/// MVC's JSON writer (the same media types, encodings and serializer options), serializing the body whole before
/// sending it. The framework's writer streams the body, so a response has no Content-Length: Kestrel frames it in
/// chunks, flushes the body, then sends the closing chunk, often in a second write to the socket. The bodies here are
/// small (a page holds at most 100 todos), so the whole body in memory costs little; the response then says how long
/// it is and leaves in one write.
/// </summary>
public sealed class BufferedJsonOutputFormatter : TextOutputFormatter
{
    private readonly JsonSerializerOptions _options;

    public BufferedJsonOutputFormatter(JsonSerializerOptions options)
    {
        _options = options;
        SupportedEncodings.Add(Encoding.UTF8);
        SupportedEncodings.Add(Encoding.Unicode);
        SupportedMediaTypes.Add("application/json");
        SupportedMediaTypes.Add("text/json");
        SupportedMediaTypes.Add("application/*+json");
    }

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(selectedEncoding);

        // The runtime type, as the framework's writer does for a type without polymorphism settings: a
        // ValidationProblemDetails returned as ProblemDetails keeps its errors.
        var type = context.Object?.GetType() ?? context.ObjectType ?? typeof(object);
        var body = JsonSerializer.SerializeToUtf8Bytes(context.Object, _options.GetTypeInfo(type));
        if (selectedEncoding.CodePage != Encoding.UTF8.CodePage)
        {
            body = Encoding.Convert(Encoding.UTF8, selectedEncoding, body);
        }

        var response = context.HttpContext.Response;
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one left to answer.
        }
    }
}
