namespace Todo.Api.Infrastructure;

/// <summary>
/// The <c>X-Correlation-Id</c> of every response: the request's own when it is valid (1 to 128 characters of
/// <c>A-Z a-z 0-9 . _ : -</c>), otherwise a new one; on Lambda the API Gateway request id, so that the id a client
/// sees is the one API Gateway's access logs have. Every log line written for the request carries it.
/// </summary>
public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>The key of the logging scope (and of the JSON log field inside it).</summary>
    public const string LogKey = "correlationId";

    public const int MaxLength = 128;

    /// <summary>What a valid id looks like, as the OpenAPI document says it.</summary>
    public const string Pattern = "^[A-Za-z0-9._:-]{1,128}$";

    /// <summary>Early in the pipeline (after the security headers), so that every later middleware logs inside its scope.</summary>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) => app.UseMiddleware<CorrelationIdMiddleware>();

    /// <summary>The request's correlation id; set by the middleware for every request that reached it.</summary>
    public static string? GetCorrelationId(this HttpContext context) =>
        context?.Features.Get<CorrelationIdFeature>()?.Value;

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}
