using Microsoft.AspNetCore.Http.Features;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Rejects bodies over <see cref="RequestLimits.MaxRequestBodyBytes"/> with 413: at once when Content-Length says so,
/// and while reading when the body is chunked or the length lies.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        if (context.Request.ContentLength > RequestLimits.MaxRequestBodyBytes)
        {
            throw new RequestBodyTooLargeException();
        }

        // GET, DELETE and friends without a body: nothing to guard.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return next(context);
        }

        context.Request.Body = new LengthLimitedReadStream(context.Request.Body, RequestLimits.MaxRequestBodyBytes);
        return next(context);
    }
}
