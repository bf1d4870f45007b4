using Microsoft.AspNetCore.Routing;

namespace Todo.Api.Infrastructure;

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
                    ? RouteTemplate.Of(matched.RoutePattern)
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
