using Microsoft.AspNetCore.Mvc;

namespace Todo.Api.Infrastructure;

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
