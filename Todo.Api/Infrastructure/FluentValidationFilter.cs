using System.Collections.Concurrent;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of every bound action argument (asynchronously, which the deprecated
/// automatic MVC integration cannot) and answers 400 with camelCase field errors when any fail.
/// </summary>
public sealed class FluentValidationFilter(IServiceProvider services) : IAsyncActionFilter
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
            if (services.GetService(validatorType) is not IValidator validator)
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
