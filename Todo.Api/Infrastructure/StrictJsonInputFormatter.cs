using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;

namespace Todo.Api.Infrastructure;

/// <summary>
/// MVC's JSON reader, refusing a property name given twice anywhere in the body. The serializer's own
/// <see cref="JsonSerializerOptions.AllowDuplicateProperties"/> only sees the properties it binds; what the request
/// type ignores (<c>{"id":1,"id":2}</c>, a nested unknown object) it skips without looking.
/// </summary>
public sealed class StrictJsonInputFormatter(JsonOptions options, ILogger<SystemTextJsonInputFormatter> logger)
    : SystemTextJsonInputFormatter(options, logger)
{
    private static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    public override async Task<InputFormatterResult> ReadAsync(InputFormatterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Another charset than the two the reader knows is 415, the base reader's answer, whatever the body holds.
        if (SelectCharacterEncoding(context) is not { } encoding)
        {
            return await base.ReadAsync(context);
        }

        // RequestLimitsMiddleware caps the body at 64 KiB, so holding it in memory to look at it twice is cheap.
        var request = context.HttpContext.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.HttpContext.RequestAborted);
        body.Position = 0;
        request.Body = body;
        context.HttpContext.Response.RegisterForDispose(body);

        // The checks below read UTF-8. A UTF-16 body is decoded first, strictly: bytes that are not UTF-16 (an odd
        // count, a lone surrogate) are the client's mistake, and undecoded its duplicates would go unseen.
        ReadOnlyMemory<byte> json = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (encoding.CodePage != Encoding.UTF8.CodePage)
        {
            try
            {
                json = Encoding.UTF8.GetBytes(Strict(encoding).GetString(json.Span));
            }
            catch (DecoderFallbackException)
            {
                context.ModelState.TryAddModelError(context.ModelName, $"The body is not valid {encoding.WebName}.");
                return await InputFormatterResult.FailureAsync();
            }
        }

        // The serializer skips a byte order mark before the JSON, which the checks below do not.
        if (json.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }

        if (HasDuplicateProperty(json))
        {
            context.ModelState.TryAddModelError(context.ModelName, "A property name is given more than once.");
            return await InputFormatterResult.FailureAsync();
        }

        // The body is in memory, as UTF-8: it is read from there at once, without the base reader's asynchronous
        // buffering (and transcoding) of a stream. An empty body and anything the serializer refuses are left to the
        // base reader, which reads the body again and answers as it always does.
        if (json.Length > 0)
        {
            try
            {
                var model = JsonSerializer.Deserialize(json.Span, context.ModelType, SerializerOptions);
                return model is null && !context.TreatEmptyInputAsDefaultValue
                    ? await InputFormatterResult.NoValueAsync()
                    : await InputFormatterResult.SuccessAsync(model);
            }
            catch (Exception exception) when (exception is JsonException or FormatException or OverflowException or NotSupportedException)
            {
                // Not an answer yet: the base reader reads the body again and puts the error where the framework does.
            }
        }

        return await base.ReadAsync(context);
    }

    private static Encoding Strict(Encoding encoding) =>
        Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>True when the body is well-formed JSON but repeats a property name; malformed bodies are the base reader's to report.</summary>
    private static bool HasDuplicateProperty(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var strict = JsonDocument.Parse(json, NoDuplicates);
            return false;
        }
        catch (JsonException)
        {
        }

        try
        {
            using var lenient = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
