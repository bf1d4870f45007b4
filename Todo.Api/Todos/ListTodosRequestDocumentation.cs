using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>
/// The list query is bound as text (so bad values become clear 400s); this tells OpenAPI readers the real types.
/// </summary>
public sealed class ListTodosRequestDocumentation : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);

        var isList = context.Description.ParameterDescriptions.Any(parameter => parameter.ModelMetadata?.ContainerType == typeof(ListTodosRequest));
        if (!isList || operation.Parameters is null)
        {
            return Task.CompletedTask;
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            (parameter.Schema, parameter.Description) = parameter.Name switch
            {
                "completed" => (new OpenApiSchema { Type = JsonSchemaType.Boolean }, "Only completed (true) or open (false) todos."),
                "page" => (new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Default = JsonValue.Create(1) }, "1-based page number."),
                "pageSize" => (
                    new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Minimum = "1",
                        Maximum = TodoQuery.MaxPageSize.ToString(CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(TodoQuery.DefaultPageSize),
                    },
                    $"Items per page, 1 to {TodoQuery.MaxPageSize}."),
                _ => (parameter.Schema, parameter.Description),
            };
        }

        return Task.CompletedTask;
    }
}
