using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace Todo.Api.Infrastructure;

/// <summary>Builds the 400 validation problem every validation path answers with.</summary>
public static class ValidationProblems
{
    public static IActionResult Create(HttpContext httpContext, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(httpContext);

        var factory = httpContext.RequestServices.GetRequiredService<ProblemDetailsFactory>();
        var problem = factory.CreateValidationProblemDetails(
            httpContext,
            new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary(),
            StatusCodes.Status400BadRequest,
            title: "One or more validation errors occurred.",
            type: ProblemTypes.ForStatus(StatusCodes.Status400BadRequest));
        foreach (var (field, messages) in errors)
        {
            problem.Errors[field] = messages;
        }

        return new BadRequestObjectResult(problem)
        {
            ContentTypes = { "application/problem+json" },
        };
    }
}
