using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Todo.Api.Lambda;

/// <summary>
/// Problem details (RFC 9457) the adapter answers with when the application cannot: it threw, ran into the
/// invocation deadline, or produced more than the front door accepts. They never carry exception details.
/// </summary>
internal static class LambdaProblemResponse
{
    public static ProxyResponse UnhandledException(string traceIdentifier) => Create(
        StatusCodes.Status500InternalServerError,
        "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        "An error occurred while processing your request.",
        detail: null,
        traceIdentifier);

    public static ProxyResponse DeadlineReached(string traceIdentifier) => Create(
        StatusCodes.Status504GatewayTimeout,
        "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        "The request did not complete in time.",
        "The function reached its time limit before the response was ready.",
        traceIdentifier);

    public static ProxyResponse TooLarge(string traceIdentifier) => Create(
        StatusCodes.Status500InternalServerError,
        "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        "The response is too large.",
        "The response exceeds the payload limit of the AWS Lambda integration.",
        traceIdentifier);

    private static ProxyResponse Create(int status, string type, string title, string? detail, string traceIdentifier)
    {
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("title", title);
            writer.WriteNumber("status", status);
            if (detail is not null)
            {
                writer.WriteString("detail", detail);
            }

            writer.WriteString("traceId", traceIdentifier);
            writer.WriteEndObject();
        }

        var headers = new HeaderDictionary
        {
            [HeaderNames.ContentType] = "application/problem+json; charset=utf-8",
            [HeaderNames.CacheControl] = "no-store",
            [HeaderNames.XContentTypeOptions] = "nosniff",
        };
        return new ProxyResponse { StatusCode = status, Headers = headers, Body = body.ToArray(), TraceIdentifier = traceIdentifier };
    }
}
