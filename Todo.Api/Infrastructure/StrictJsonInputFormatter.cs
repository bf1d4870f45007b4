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

        // RequestBodyLimitMiddleware caps the body at 64 KiB, so holding it in memory to look at it twice is cheap.
        var request = context.HttpContext.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.HttpContext.RequestAborted);
        body.Position = 0;
        request.Body = body;
        context.HttpContext.Response.RegisterForDispose(body);

        if (HasDuplicateProperty(body.GetBuffer().AsMemory(0, (int)body.Length)))
        {
            context.ModelState.TryAddModelError(context.ModelName, "A property name is given more than once.");
            return await InputFormatterResult.FailureAsync();
        }

        return await base.ReadAsync(context);
    }

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
