using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Todo.Api.Auth;
using Todo.Domain.Users;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The one place where exceptions become responses. Known failures get their status; anything else is a 500
/// whose details stay in the log, never in the response.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    private const string UnreadableRequest = "The request could not be read.";

    // A database that restarts or fails over is back within seconds; clients that wait that long find it again.
    private static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(2);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        var databaseUnavailable = IsDatabaseUnavailable(exception);
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "Request body too large.", $"The request body may be at most {RequestLimits.MaxRequestBodyBytes} bytes."),
            MalformedRequestException malformed => (malformed.StatusCode, ReasonPhrases.GetReasonPhrase(malformed.StatusCode), malformed.Message),
            BadHttpRequestException bad => (bad.StatusCode, ReasonPhrases.GetReasonPhrase(bad.StatusCode), UnreadableRequest),
            DuplicateEmailException => (StatusCodes.Status409Conflict, "Email already registered.", "An account with this email already exists."),
            InvalidCredentialsException invalid => (StatusCodes.Status401Unauthorized, invalid.Message, null),
            LoginThrottledException => (StatusCodes.Status429TooManyRequests, "Too many failed logins.", "Too many failed logins for this account or client. Try again after the time in Retry-After."),
            PasswordHashingSaturatedException => (StatusCodes.Status503ServiceUnavailable, "Too many password checks at once.", "Password hashing is at capacity. Try again after the time in Retry-After."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request.", null),
            _ when databaseUnavailable =>
                (StatusCodes.Status503ServiceUnavailable, "The database is unavailable.", "The database did not answer. Try again after the time in Retry-After."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred.", null),
        };

        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (databaseUnavailable && status == StatusCodes.Status503ServiceUnavailable)
        {
            // Every request meets it while the database is away: its cause in one line, no stack trace.
            LogDatabaseUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        }
        else if (exception is BadHttpRequestException)
        {
            // The client's mistake, not ours: no stack trace and no line of its own (so that a stream of bad requests
            // cannot flood the log); the request line says why.
            httpContext.Features.Set(new RequestRejectionFeature(exception.Message));
        }

        if (exception switch
        {
            PasswordHashingSaturatedException saturated => saturated.RetryAfter,
            LoginThrottledException throttled => throttled.RetryAfter,
            _ when databaseUnavailable && status == StatusCodes.Status503ServiceUnavailable => DatabaseRetryAfter,
            _ => (TimeSpan?)null,
        } is TimeSpan retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        }

        if (exception is InvalidCredentialsException
            && httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null)
        {
            // A wrong password on a bearer route: every 401 names its scheme (RFC 9110 §15.5.2), and without
            // error="invalid_token" the client can tell that its token was fine. Asked of the route (the handler runs
            // with the endpoint cleared, the feature keeps it), not of the user: login and refresh authenticate no
            // one, so a token sent along with them must not change their 401.
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        if (exception is MalformedRequestException)
        {
            // RFC 9112 §6.3, §9.6: after a request whose framing could not be trusted, the connection is not reused,
            // since its next bytes may be this request's body. (The Lambda adapter leaves the header out: an event
            // has no connection.)
            httpContext.Response.Headers.Connection = "close";
        }

        // Every 400 is a validation problem, as the document says: a body the server could not read is keyed body;
        // malformed headers or framing, refused before any body is read, are keyed headers and say which rule.
        var (field, message) = exception is MalformedRequestException
            ? (ModelStateProblemFactory.HeadersField, exception.Message)
            : (ModelStateProblemFactory.BodyField, UnreadableRequest);
        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = status == StatusCodes.Status400BadRequest
                ? new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
                {
                    Status = status,
                    Title = title,
                    Detail = detail,
                }
                : new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Retry-After in whole seconds, at least one (RFC 9110 §10.2.3).</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A failure the provider calls transient (PostgreSQL out of reach, restarting or shedding connections; SQLite
    /// busy past its timeout), however EF Core wrapped it: the client may try again, and nothing is wrong with us.
    /// </summary>
    private static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database did not answer {Method} {Path}: {Reason}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
