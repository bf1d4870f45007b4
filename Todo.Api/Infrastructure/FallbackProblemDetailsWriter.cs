using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The framework's writer declines when the client's Accept header names neither JSON type (a browser's
/// "text/html", say), which would leave an error with an empty body. Registered after it, this one always
/// answers with application/problem+json.
/// </summary>
public sealed class FallbackProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<JsonOptions> json) : IProblemDetailsWriter
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
