using System.Collections.Concurrent;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
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

/// <summary>
/// Turns model-binding failures (malformed JSON, a body that is not an object, a wrongly typed field, a missing
/// body) into the same validation problem as validator failures, keyed by the camelCase JSON field.
/// </summary>
public static class ModelStateProblemFactory
{
    public const string BodyField = "body";

    /// <summary>The key of a malformed header or framing, refused before any body is read.</summary>
    public const string HeadersField = "headers";

    private const string BodyMessage = "The request body must be a JSON object, each property name at most once.";
    private const string FieldMessage = "The value is not valid JSON of the expected type.";

    public static IActionResult Create(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var bodyParameters = context.ActionDescriptor.Parameters
            .Where(parameter => parameter.BindingInfo?.BindingSource == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body)
            .Select(parameter => parameter.Name)
            .ToHashSet(StringComparer.Ordinal);

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, entry) in context.ModelState)
        {
            if (entry.Errors.Count > 0)
            {
                var field = ToField(key, bodyParameters);
                errors[field] = [field == BodyField ? BodyMessage : FieldMessage];
            }
        }

        // A wrongly typed field also leaves the whole body unbound; the field is the useful part to report.
        if (errors.Count > 1)
        {
            errors.Remove(BodyField);
        }

        return ValidationProblems.Create(context.HttpContext, errors);
    }

    private static string ToField(string key, HashSet<string> bodyParameters)
    {
        if (string.IsNullOrEmpty(key) || key == "$" || bodyParameters.Contains(key))
        {
            return BodyField;
        }

        var path = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && bodyParameters.Contains(path[..dot]))
        {
            path = path[(dot + 1)..];
        }

        return string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
    }
}

/// <summary>
/// Runs the FluentValidation validator of every bound action argument (asynchronously, which the deprecated
/// automatic MVC integration cannot) and answers 400 with camelCase field errors when any fail.
/// </summary>
/// <remarks>
/// One instance for every request (registered as an instance, so MVC caches it with the action's other filters): as
/// a type filter it was made anew for each request, and so was the action's list of filters.
/// </remarks>
public sealed class FluentValidationFilter : IAsyncActionFilter
{
    // MakeGenericType costs more than the validation of a small request; the argument types are few.
    private static readonly ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        Dictionary<string, string[]>? errors = null;
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null)
            {
                continue;
            }

            var validatorType = ValidatorTypes.GetOrAdd(argument.GetType(), type => typeof(IValidator<>).MakeGenericType(type));
            if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            if (result.IsValid)
            {
                continue;
            }

            errors ??= new(StringComparer.Ordinal);
            foreach (var group in result.Errors.GroupBy(failure => ToJsonField(failure.PropertyName), StringComparer.Ordinal))
            {
                errors[group.Key] = group.Select(failure => failure.ErrorMessage).Distinct().ToArray();
            }
        }

        if (errors is not null)
        {
            context.Result = ValidationProblems.Create(context.HttpContext, errors);
            return;
        }

        await next();
    }

    /// <summary>"Title" becomes "title", "Items[0].DueAt" becomes "items[0].dueAt": the names clients send.</summary>
    private static string ToJsonField(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}
