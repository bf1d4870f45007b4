using Microsoft.Net.Http.Headers;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Headers every response carries, errors included (OWASP API8, ASVS V3/V14): no MIME sniffing, and nothing a
/// bearer token was sent for may be stored by any cache. Set as the headers go out, so that the exception handler,
/// which clears the response, and every server (Kestrel, the test host, Lambda) get them too.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var httpContext = (HttpContext)state;
            var headers = httpContext.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (CarriesBearerToken(httpContext.Request))
            {
                headers.CacheControl = "no-store";
                headers.Remove(HeaderNames.Expires);
                headers.Remove(HeaderNames.Pragma);
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static bool CarriesBearerToken(HttpRequest request) =>
        request.Headers.Authorization.Any(value => value is not null && value.TrimStart().StartsWith("Bearer", StringComparison.OrdinalIgnoreCase));
}
