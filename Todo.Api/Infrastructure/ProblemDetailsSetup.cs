using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Todo.Api.Infrastructure;

/// <summary>Every error leaves the API as RFC 9457 problem details carrying a traceId.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var http = context.HttpContext;
            problem.Type ??= ProblemTypes.ForStatus(problem.Status ?? http.Response.StatusCode);

            // The path the client used, mount point (an API Gateway stage) included, as Location says it.
            problem.Instance ??= http.Request.PathBase.Add(http.Request.Path);

            // The W3C trace id alone (32 hex digits), as the logs' TraceId field and a traceparent carry it; not the
            // activity's Id, which is the whole traceparent with this server's span id. Without an activity (none is
            // made when nothing listens; on Lambda) the server's own request id is what the logs have.
            problem.Extensions["traceId"] = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
                ? activity.TraceId.ToHexString()
                : http.TraceIdentifier;

            // Also where no middleware ran: the Lambda adapter's own answers (a deadline, a response too large).
            http.Response.Headers[CorrelationId.HeaderName] = http.GetCorrelationId() ?? CorrelationId.Choose(http);
        });
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemDetailsWriter>();
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }

    public static IApplicationBuilder UseApiProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();

        // Fills empty error responses (unknown route 404, 405, 401/403 from the framework) with problem details.
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>The problem "type" URIs: the RFC 9110 section for each status, as ASP.NET Core itself uses.</summary>
public static class ProblemTypes
{
    public static string ForStatus(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        406 => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        414 => "https://tools.ietf.org/html/rfc9110#section-15.5.15",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        504 => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        _ => "about:blank",
    };
}

/// <summary>Writes a problem response from code that runs outside MVC (authentication events, health checks).</summary>
public static class ProblemResponses
{
    public static async Task WriteAsync(HttpContext httpContext, int status, string title, string? detail)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        httpContext.Response.StatusCode = status;
        var problems = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

/// <summary>
/// The framework's writer declines when the client's Accept header names neither JSON type (a browser's
/// "text/html", say), which would leave an error with an empty body. Registered after it, this one always
/// answers with application/problem+json.
/// </summary>
public sealed class FallbackProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<HttpJsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(response.WriteAsJsonAsync(problem, json.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
