using Microsoft.OpenApi;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The todos' ETags and conditional requests in the OpenAPI document: which responses carry the ETag, which
/// operations take If-None-Match or If-Match, and what their 304, 409 and 412 mean.
/// </summary>
internal static class OpenApiConditionalRequests
{
    private const string GetTodo = "getTodo";
    private const string CreateTodo = "createTodo";
    private const string ReplaceTodo = "replaceTodo";
    private const string UpdateTodo = "updateTodo";
    private const string DeleteTodo = "deleteTodo";

    /// <summary>operationId → the statuses whose responses carry the todo's (new) ETag.</summary>
    private static readonly Dictionary<string, string[]> ETagStatuses = new(StringComparer.Ordinal)
    {
        [GetTodo] = ["200", "304"],
        [CreateTodo] = ["201"],
        [ReplaceTodo] = ["200"],
        [UpdateTodo] = ["200"],
    };

    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal) { ReplaceTodo, UpdateTodo, DeleteTodo };

    public static void Describe(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var id = operation.OperationId ?? string.Empty;
        var responses = operation.Responses ?? [];

        foreach (var status in ETagStatuses.GetValueOrDefault(id) ?? [])
        {
            if (responses.TryGetValue(status, out var found) && found is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "The todo's strong entity tag (quoted); it changes with every change of the todo.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^\"[0-9a-f]{16}\"$" },
                };
            }
        }

        if (id == GetTodo)
        {
            AddHeaderParameter(operation, "If-None-Match", "ETags (or *) the client holds; when one names the todo's current ETag (weak comparison), the answer is 304 without a body.");
            Describe(responses, "304", "Not modified: If-None-Match names the todo's current ETag. No body; the ETag is sent again.");
        }

        if (Writes.Contains(id))
        {
            AddHeaderParameter(operation, "If-Match", "Apply only while the todo's current ETag is one of these (strong comparison: a weak W/ tag never matches), or * for any existing todo; otherwise 412. Without it the change applies to whatever is current.");
            Describe(responses, "409", "Other changes to the todo kept being saved while this one was being applied (a rare race, only without a specific If-Match); nothing was changed, try again.");
            Describe(responses, "412", "If-Match names none of the todo's current ETag (it changed, or the tag is weak or not ours); nothing was changed. A todo that does not exist is 404, not 412.");
        }
    }

    private static void AddHeaderParameter(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static void Describe(OpenApiResponses responses, string status, string description)
    {
        if (responses.TryGetValue(status, out var found) && found is OpenApiResponse response)
        {
            response.Description = description;
        }
    }
}
