using System.Diagnostics;

namespace Todo.Api.Infrastructure;

/// <summary>Every error leaves the API as RFC 9457 problem details carrying a traceId.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Type ??= ProblemTypes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
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
