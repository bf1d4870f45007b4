using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Todo.Lambda;

namespace Todo.Tests.Lambda.Support;

/// <summary>
/// Test-only middleware in front of the application's pipeline (a startup filter wraps whatever Program builds):
/// an echo of the request exactly as ASP.NET Core received it from the Lambda server, and responses the Todo API
/// never gives (binary, compressed, huge, failing, slow) to exercise the response translation.
/// </summary>
internal sealed class LambdaProbeStartupFilter(LambdaProbes probes) : IStartupFilter
{
    public const string ProbeFailureMessage = "probe failure with a secret detail";

    /// <summary>Every request that reached the pipeline, in order, as the application saw it.</summary>
    public ConcurrentQueue<ProbedRequest> Requests { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            // A request scope of its own, as the host gives every request: not the application's root services.
            Requests.Enqueue(new ProbedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.Headers.UserAgent.ToString(),
                context.TraceIdentifier,
                HasRequestScope: !ReferenceEquals(context.RequestServices, app.ApplicationServices)));

            if (probes == LambdaProbes.EchoEverything)
            {
                await EchoAsync(context);
                return;
            }

            if (probes == LambdaProbes.InvocationFeature)
            {
                await WriteInvocationFeatureAsync(context);
                return;
            }

            switch (context.Request.Path.Value)
            {
                case "/__probe/echo":
                    await EchoAsync(context);
                    break;
                case "/__probe/throw":
                    throw new InvalidOperationException(ProbeFailureMessage);
                case "/__probe/throw-after-write":
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync("partial output");
                    await context.Response.Body.FlushAsync();
                    throw new InvalidOperationException(ProbeFailureMessage);
                case "/__probe/binary":
                    context.Response.ContentType = "application/octet-stream";
                    await context.Response.Body.WriteAsync(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray());
                    break;
                case "/__probe/gzip-json":
                    context.Response.ContentType = "application/json";
                    context.Response.Headers.ContentEncoding = "gzip";
                    await context.Response.Body.WriteAsync(Gzip("{\"compressed\":true}"));
                    break;
                case "/__probe/cookies":
                    context.Response.Headers.Append("Set-Cookie", "first=1; Path=/; HttpOnly");
                    context.Response.Headers.Append("Set-Cookie", "second=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT");
                    context.Response.Headers.Append("X-Multi", "a");
                    context.Response.Headers.Append("X-Multi", "b");
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("cookies set ✓");
                    break;
                case "/__probe/large":
                    var size = int.Parse(context.Request.Query["bytes"]!, System.Globalization.CultureInfo.InvariantCulture);
                    context.Response.ContentType = context.Request.Query["type"].FirstOrDefault() ?? "application/octet-stream";
                    context.Response.ContentLength = size;
                    await context.Response.Body.WriteAsync(Enumerable.Repeat((byte)'x', size).ToArray());
                    break;
                case "/__probe/no-content":
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    break;
                case "/__probe/wait":
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                    break;
                default:
                    await nextMiddleware(context);
                    break;
            }
        });
        next(app);
    };

    private static async Task EchoAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = context.Request;

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("method", request.Method);
        writer.WriteString("scheme", request.Scheme);
        writer.WriteString("protocol", request.Protocol);
        writer.WriteString("host", request.Host.Value);
        writer.WriteString("pathBase", request.PathBase.Value);
        writer.WriteString("path", request.Path.Value);
        writer.WriteString("queryString", request.QueryString.Value);
        writer.WriteString("url", $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}");
        writer.WriteStartObject("query");
        foreach (var (key, values) in request.Query)
        {
            writer.WriteStartArray(key);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("headers");
        foreach (var (name, values) in request.Headers)
        {
            writer.WriteStartArray(name.ToLowerInvariant());
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("cookies");
        foreach (var (name, value) in request.Cookies)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteString("remoteIp", context.Connection.RemoteIpAddress?.ToString());
        writer.WriteString("traceIdentifier", context.TraceIdentifier);
        if (request.ContentLength is { } contentLength)
        {
            writer.WriteNumber("contentLength", contentLength);
        }

        writer.WriteString("body", Encoding.UTF8.GetString(body.ToArray()));
        writer.WriteEndObject();
    }

    /// <summary>The feature as the application gets it, as JSON; an Undefined element is written as null with its kind beside it.</summary>
    private static async Task WriteInvocationFeatureAsync(HttpContext context)
    {
        var feature = context.Features.Get<ILambdaInvocationFeature>();
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteBoolean("present", feature is not null);
        if (feature is not null)
        {
            writer.WriteString("requestId", feature.RequestId);
            writer.WriteString("functionName", feature.FunctionName);
            writer.WriteString("functionVersion", feature.FunctionVersion);
            WriteNumberOrNull(writer, "memorySizeMegabytes", feature.MemorySizeMegabytes);
            writer.WriteString("deadline", feature.Deadline?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            WriteNumberOrNull(writer, "remainingTimeMilliseconds", feature.RemainingTime?.TotalMilliseconds);
            writer.WriteString("traceId", feature.TraceId);
            writer.WriteString("eventFormat", feature.EventFormat.ToString());
            WriteElement(writer, "requestContext", feature.RequestContext);
            WriteElement(writer, "authorizer", feature.Authorizer);
            writer.WriteStartObject("authorizerClaims");
            foreach (var (name, value) in feature.AuthorizerClaims)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, string name, JsonElement element)
    {
        writer.WriteString(name + "Kind", element.ValueKind.ToString());
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WritePropertyName(name);
            element.WriteTo(writer);
        }
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}

/// <summary>What the probe middleware saw of one request.</summary>
internal sealed record ProbedRequest(string Method, string Path, string UserAgent, string TraceIdentifier, bool HasRequestScope);
