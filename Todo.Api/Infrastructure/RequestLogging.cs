using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
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

/// <summary>Writes the request line of <see cref="RequestLogging"/> once the response is decided.</summary>
internal sealed partial class RequestLoggingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public RequestLoggingMiddleware(RequestDelegate next, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _next = next;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(RequestLogging.Category);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // Routing ran before the pipeline; the exception handler clears the endpoint when it writes a 500.
        var endpoint = context.GetEndpoint();
        var started = _timeProvider.GetTimestamp();
        try
        {
            await _next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var route = (endpoint ?? context.GetEndpoint()) is RouteEndpoint matched
                    ? LoggedRoute.Of(matched.RoutePattern)
                    : RequestLogging.Unmatched;
                var durationMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
                var correlationId = context.GetCorrelationId();
                using var user = RequestLogging.BeginUserScope(_logger, context);
                if (context.Features.Get<RequestRejectionFeature>() is { } rejection)
                {
                    LogRejectedRequest(_logger, context.Request.Method, route, context.Response.StatusCode, durationMs, correlationId, rejection.Reason);
                }
                else
                {
                    LogRequest(_logger, context.Request.Method, route, context.Response.StatusCode, durationMs, correlationId);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} responded {StatusCode} in {DurationMs:0.0} ms ({CorrelationId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double durationMs, string? correlationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} responded {StatusCode} in {DurationMs:0.0} ms ({CorrelationId}): the request could not be read: {Reason}")]
    private static partial void LogRejectedRequest(ILogger logger, string method, string route, int statusCode, double durationMs, string? correlationId, string reason);
}

/// <summary>
/// A logging scope of named values. The JSON console formatter writes a key/value scope as an object with those keys,
/// and every formatter writes its <see cref="ToString"/>: here "name=value", never a type name as a Dictionary gives.
/// </summary>
public sealed class LogScope(string name, object? value) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _entry = new(name, value);

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _entry : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _entry;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_entry.Key}={_entry.Value}");
}

/// <summary>
/// Why a request that could not be read (bad framing, a body cut short or too large) was refused: said by the request
/// line, so that such a request costs one log line, not one from the exception handler and one for the request.
/// </summary>
internal sealed record RequestRejectionFeature(string Reason);

/// <summary>
/// A route as a log line names it: <c>/todos/{id}</c>, the template without its constraints and defaults, so that
/// one route is one value to group by, whatever the constraint syntax. Worked out once per route: the request line
/// asks on every request.
/// </summary>
internal static class LoggedRoute
{
    private static readonly ConditionalWeakTable<RoutePattern, string> Templates = [];

    public static string Of(RoutePattern pattern) => Templates.GetValue(pattern, Build);

    private static string Build(RoutePattern pattern)
    {
        var text = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            text.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        text.Append('{').Append(parameter.IsCatchAll ? "*" : "").Append(parameter.Name).Append(parameter.IsOptional ? "?" : "").Append('}');
                        break;
                }
            }
        }

        return text.Length == 0 ? "/" : text.ToString();
    }
}
