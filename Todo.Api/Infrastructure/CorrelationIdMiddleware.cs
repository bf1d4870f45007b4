using Todo.Lambda;

namespace Todo.Api.Infrastructure;

/// <summary>Chooses the request's correlation id, says it on the response, and logs everything after it in its scope.</summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = Choose(context);
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

    private static string Choose(HttpContext context)
    {
        var sent = context.Request.Headers[CorrelationId.HeaderName];
        if (sent.Count == 1 && CorrelationId.IsValid(sent[0]))
        {
            return sent[0]!;
        }

        // On Lambda the adapter made API Gateway's request id (for ALB, Lambda's) the trace identifier.
        if (context.Features.Get<ILambdaInvocationFeature>() is not null && CorrelationId.FromRequestId(context.TraceIdentifier) is { } requestId)
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
}
