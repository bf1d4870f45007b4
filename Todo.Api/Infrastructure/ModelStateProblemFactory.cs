using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Turns model-binding failures (malformed JSON, a body that is not an object, a wrongly typed field, a missing
/// body) into the same validation problem as validator failures, keyed by the camelCase JSON field.
/// </summary>
public static class ModelStateProblemFactory
{
    public const string BodyField = "body";

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
