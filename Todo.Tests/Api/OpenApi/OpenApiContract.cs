using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Todo.Tests.Api.OpenApi;

/// <summary>
/// The API's OpenAPI document as a checker of responses: finds the operation a request names (method and path template,
/// the server's base path stripped) and says what about a response the document does not allow.
/// </summary>
public sealed class OpenApiContract
{
    private const string ComponentsPrefix = "#/components/schemas/";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
    private static int _documents;

    private readonly JsonObject _components;
    private readonly string _basePath;
    private readonly (Regex Pattern, string Template, JsonObject Item)[] _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly int _document = Interlocked.Increment(ref _documents);

    public OpenApiContract(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Document = document;
        _components = document["components"]?["schemas"]?.AsObject() ?? [];
        _basePath = (document["servers"]?[0]?["url"]?.GetValue<string>() ?? "/").TrimEnd('/');

        // Literal paths before templated ones, so that /auth/me never counts as a value of some /auth/{x}.
        _paths = [.. (document["paths"]?.AsObject() ?? [])
            .OrderBy(path => path.Key.Count(character => character == '{'))
            .Select(path => (ToPattern(path.Key, path.Value!.AsObject()), path.Key, path.Value!.AsObject()))];
    }

    public JsonObject Document { get; }

    public static OpenApiContract Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>What is wrong with this response by the document, or null when it is all documented.</summary>
    /// <param name="method">The request's method.</param>
    /// <param name="path">The request's path, as sent (with the server base path, without the query).</param>
    /// <param name="status">The response's status code.</param>
    /// <param name="mediaType">The response's Content-Type media type, null without one.</param>
    /// <param name="headers">The response's header names (content headers included).</param>
    /// <param name="body">The response body.</param>
    public string? Check(string method, string path, int status, string? mediaType, IReadOnlySet<string> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(headers);

        var appPath = _basePath.Length > 0 && path.StartsWith(_basePath, StringComparison.Ordinal) ? path[_basePath.Length..] : path;
        if (UndocumentedRoutes.Contains(appPath))
        {
            return null;
        }

        var match = _paths.FirstOrDefault(candidate => candidate.Pattern.IsMatch(appPath));
        if (match.Item is null)
        {
            // No operation to hold it: an unknown route must be the 404 problem every unknown route gets.
            return status == 404
                ? CheckBody("unknown route 404", mediaType, body, "application/problem+json", Problem())
                : $"{status} for a path the document does not have (only 404 problem details are allowed there)";
        }

        var isHead = string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);
        var key = method.ToLowerInvariant();

        // Every GET also answers HEAD, with the GET's status and headers and no body (RFC 9110 §9.3.2).
        if (match.Item[key] is not JsonObject operation && !(isHead && match.Item["get"] is JsonObject get && (operation = get) is not null))
        {
            var allowed = string.Join(", ", Methods.Where(name => match.Item.ContainsKey(name)));
            return status == 405
                ? CheckBody($"405 on {match.Template}", mediaType, body, "application/problem+json", Problem())
                : $"{status} for a method {match.Template} does not document (allowed: {allowed}; only 405 problem details are allowed)";
        }

        var operationName = operation["operationId"]?.GetValue<string>() ?? $"{key} {match.Template}";
        var responses = operation["responses"]?.AsObject() ?? [];
        var statusKey = status.ToString(CultureInfo.InvariantCulture);
        var rangeKey = $"{statusKey[0]}XX";
        var responseKey = responses.ContainsKey(statusKey) ? statusKey : responses.ContainsKey(rangeKey) ? rangeKey : responses.ContainsKey("default") ? "default" : null;
        if (responseKey is null)
        {
            return $"{operationName}: status {status} is not documented (documented: {string.Join(", ", responses.Select(response => response.Key))})";
        }

        var response = responses[responseKey]!.AsObject();
        foreach (var (name, header) in response["headers"]?.AsObject() ?? [])
        {
            if (header?["required"]?.GetValue<bool>() == true && !headers.Contains(name))
            {
                return $"{operationName} {status}: the documented header {name} is missing";
            }
        }

        // A HEAD response's body never reaches a client: Kestrel drops what the action wrote, the test host does not.
        if (isHead)
        {
            return null;
        }

        var content = response["content"]?.AsObject();
        if (status is 204 or 304)
        {
            return body.Length == 0 ? null : $"{operationName} {status}: a body where none can be";
        }

        if (content is null || content.Count == 0)
        {
            return body.Length == 0 ? null : $"{operationName} {status}: a body ({mediaType}) where the document has none";
        }

        if (mediaType is null || content[mediaType] is not JsonObject documented)
        {
            return $"{operationName} {status}: content type {mediaType ?? "(none)"} is not documented (documented: {string.Join(", ", content.Select(entry => entry.Key))})";
        }

        return documented["schema"] is JsonObject schema
            ? CheckBody($"{operationName} {status}", mediaType, body, mediaType, SchemaFor($"{operationName}/{responseKey}/{mediaType}", schema))
            : null;
    }

    /// <summary>The problem details schema, for responses no operation holds.</summary>
    private JsonSchema Problem() => SchemaFor("problem", new JsonObject { ["$ref"] = ComponentsPrefix + "ProblemDetails" });

    private static string? CheckBody(string what, string? mediaType, ReadOnlyMemory<byte> body, string expectedMediaType, JsonSchema schema)
    {
        if (mediaType != expectedMediaType)
        {
            return $"{what}: content type {mediaType ?? "(none)"}, documented {expectedMediaType}";
        }

        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body.Span);
        }
        catch (JsonException exception)
        {
            return $"{what}: the body is not JSON ({exception.Message})";
        }

        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}"));
        return $"{what}: the body does not match the documented schema: {string.Join("; ", errors)}\n{Encoding.UTF8.GetString(body.Span)}";
    }

    /// <summary>
    /// A JSON Schema 2020-12 document for one OpenAPI 3.1 schema: the schema itself with the document's component
    /// schemas as <c>$defs</c>, every <c>#/components/schemas/X</c> reference pointed at <c>#/$defs/X</c>.
    /// </summary>
    private JsonSchema SchemaFor(string name, JsonObject schema) => _schemas.GetOrAdd(name, _ =>
    {
        var root = (JsonObject)Rewrite(schema.DeepClone());
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";

        // Each schema is registered by its id: one of its own, across every document of the run.
        root["$id"] = $"https://todo-api.test/openapi/{_document}/{Uri.EscapeDataString(name)}";
        root["$defs"] = Rewrite(_components.DeepClone());
        return JsonSchema.FromText(root.ToJsonString());
    });

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj.ToList())
                {
                    if (property.Key == "$ref" && property.Value?.GetValue<string>() is { } reference && reference.StartsWith(ComponentsPrefix, StringComparison.Ordinal))
                    {
                        obj["$ref"] = "#/$defs/" + reference[ComponentsPrefix.Length..];
                    }
                    else if (property.Value is not null)
                    {
                        Rewrite(property.Value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }

                break;
        }

        return node;
    }

    // A path parameter the document declares a positive integer takes only what its schema does (canonical digits,
    // at most ten of them): /todos/abc is no path of the document, whatever the method, and so only ever a 404.
    private static Regex ToPattern(string template, JsonObject item) =>
        new("^" + Regex.Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "{([^}]+)}", parameter =>
            IsPositiveInteger(item, parameter.Groups[1].Value) ? "[1-9][0-9]{0,9}" : "[^/]+") + "$", RegexOptions.CultureInvariant);

    private static bool IsPositiveInteger(JsonObject item, string name) => item
        .Where(operation => Methods.Contains(operation.Key))
        .SelectMany(operation => operation.Value?["parameters"]?.AsArray() ?? [])
        .Any(parameter => parameter?["in"]?.GetValue<string>() == "path"
            && parameter["name"]?.GetValue<string>() == name
            && parameter["schema"]?["type"]?.GetValue<string>() == "integer"
            && parameter["schema"]?["minimum"]?.GetValue<int>() >= 1);
}
