using Todo.Lambda;

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

    /// <summary>
    /// The id by the rule: the request's own when valid, else on Lambda the request id, else a new one. Only the last
    /// differs from call to call, and a request that reached the middleware keeps the one chosen there.
    /// </summary>
    internal static string Choose(HttpContext context)
    {
        var sent = context.Request.Headers[HeaderName];
        if (sent.Count == 1 && IsValid(sent[0]))
        {
            return sent[0]!;
        }

        // On Lambda the adapter made API Gateway's request id (for ALB, Lambda's) the trace identifier.
        if (context.Features.Get<ILambdaInvocationFeature>() is not null && FromRequestId(context.TraceIdentifier) is { } requestId)
        {
            return requestId;
        }

        return NewId();
    }

    /// <summary>
    /// 128 random bits in hex, as unlikely to repeat as a GUID. Not Guid.NewGuid: that asks the kernel for every id,
    /// a system call per request, and an id names a request, it guards nothing.
    /// </summary>
    private static string NewId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
    }

    /// <summary>
    /// API Gateway's request id (for ALB, Lambda's) as a correlation id that keeps the rule. REST APIs' ids are UUIDs
    /// and stay as they are; HTTP APIs' are base64 (<c>JZ5xvhWgoAMEJSA=</c>, possibly with <c>+</c> or <c>/</c>), which
    /// the rule does not allow, so they are given in base64url without padding (<c>+</c> → <c>-</c>, <c>/</c> →
    /// <c>_</c>, no <c>=</c>): still one id per request id, and the padding-less prefix of the id in API Gateway's
    /// access logs when it has neither <c>+</c> nor <c>/</c>. Any other character the rule does not allow is left out,
    /// and the id is cut at <see cref="MaxLength"/>; null when nothing is left.
    /// </summary>
    public static string? FromRequestId(string? requestId)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            return null;
        }

        var mapped = new System.Text.StringBuilder(Math.Min(requestId.Length, MaxLength));
        foreach (var c in requestId.TrimEnd('='))
        {
            var allowed = c switch
            {
                '+' => '-',
                '/' => '_',
                _ when IsAllowed(c) => c,
                _ => (char?)null,
            };
            if (allowed is { } kept && mapped.Length < MaxLength)
            {
                mapped.Append(kept);
            }
        }

        return mapped.Length > 0 ? mapped.ToString() : null;
    }

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(IsAllowed);

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}

/// <summary>The correlation id chosen for a request, kept in its features for whoever needs it later.</summary>
internal sealed record CorrelationIdFeature(string Value);

/// <summary>Chooses the request's correlation id, says it on the response, and logs everything after it in its scope.</summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationId.Choose(context);
        context.Features.Set(new CorrelationIdFeature(correlationId));

        // As the headers go out, so that the exception handler (which clears the response), status code pages and the
        // authentication challenge keep it.
        context.Response.OnStarting(static state =>
        {
            var (httpContext, id) = ((HttpContext, string))state;
            httpContext.Response.Headers[CorrelationId.HeaderName] = id;
            return Task.CompletedTask;
        }, (context, correlationId));

        using (logger.BeginScope(new LogScope(CorrelationId.LogKey, correlationId)))
        {
            await next(context);
        }
    }
}
