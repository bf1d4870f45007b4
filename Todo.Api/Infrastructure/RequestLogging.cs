using Todo.Api.Auth;

namespace Todo.Api.Infrastructure;

/// <summary>
/// One log line per request: method, route template (never the raw path or the query string, which may carry personal
/// data), status, duration and correlation id; the user id too once the request was authenticated.
/// </summary>
public static class RequestLogging
{
    /// <summary>The category of the request lines, to filter or silence them on their own.</summary>
    public const string Category = "Todo.Api.Requests";

    /// <summary>What the line says for a request no route matched.</summary>
    public const string Unmatched = "(unmatched)";

    /// <summary>The key of the user id's logging scope.</summary>
    public const string UserIdLogKey = "userId";

    /// <summary>Outside the exception handler, so that the line has the status that went out, 500s included.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.UseMiddleware<RequestLoggingMiddleware>();

    /// <summary>After authentication: every later line of the request carries the user id.</summary>
    public static IApplicationBuilder UseUserLogScope(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            using var scope = BeginUserScope(logger, context);
            await next(context);
        });
    }

    internal static IDisposable? BeginUserScope(ILogger logger, HttpContext context) =>
        context.User.FindUserId() is { } userId ? logger.BeginScope(new LogScope(UserIdLogKey, userId)) : null;
}
