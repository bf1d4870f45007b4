using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Todo.Api.Todos;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Every example of the OpenAPI document, in one place: a request and a success body per operation, and a problem body
/// per error status. The response validation test checks the API's real responses against the same schemas these
/// examples illustrate.
/// </summary>
public static class OpenApiExamples
{
    private const string Todo = """{ "id": 42, "title": "Buy milk", "completed": false, "createdAt": "2026-01-15T09:30:00Z", "updatedAt": "2026-01-15T09:30:00Z" }""";
    private const string User = """{ "id": 7, "email": "ada@example.com" }""";
    private const string Tokens = """{ "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl", "tokenType": "Bearer", "expiresIn": 900, "refreshToken": "q3Lk8yTb1Vn0aXc2WmZr9PsEoGdHfJiKuQvBwNtYxA4", "refreshExpiresIn": 2592000 }""";

    /// <summary>operationId → (request body, success body); null where the operation has none.</summary>
    private static readonly Dictionary<string, (string? Request, string? Response)> ByOperation = new(StringComparer.Ordinal)
    {
        ["signup"] = ("""{ "email": "ada@example.com", "password": "correct horse battery staple" }""", User),
        ["login"] = ("""{ "email": "ada@example.com", "password": "correct horse battery staple" }""", Tokens),
        ["refresh"] = ("""{ "refreshToken": "q3Lk8yTb1Vn0aXc2WmZr9PsEoGdHfJiKuQvBwNtYxA4" }""", Tokens),
        ["logout"] = (null, null),
        ["logoutAll"] = (null, null),
        ["changePassword"] = ("""{ "currentPassword": "correct horse battery staple", "newPassword": "a longer passphrase nobody guesses" }""", null),
        ["deleteAccount"] = ("""{ "password": "correct horse battery staple" }""", null),
        ["getMe"] = (null, User),
        ["listTodos"] = (null, $$"""{ "items": [{{Todo}}], "page": 1, "pageSize": 20, "totalCount": 1 }"""),
        ["getTodo"] = (null, Todo),
        ["createTodo"] = ("""{ "title": "Buy milk", "completed": false }""", Todo),
        ["replaceTodo"] = ("""{ "title": "Buy oat milk", "completed": true }""", Todo.Replace("\"Buy milk\", \"completed\": false", "\"Buy oat milk\", \"completed\": true", StringComparison.Ordinal)),
        ["updateTodo"] = ("""{ "completed": true }""", Todo.Replace("\"completed\": false", "\"completed\": true", StringComparison.Ordinal)),
        ["deleteTodo"] = (null, null),
        [OpenApiConventions.HealthOperationId] = (null, """{ "status": "Healthy" }"""),
        [OpenApiConventions.LivenessOperationId] = (null, """{ "status": "Healthy" }"""),
        [OpenApiConventions.ReadinessOperationId] = (null, """{ "status": "Healthy" }"""),
    };

    /// <summary>The title and detail the API writes for each error status (the detail of the most common cause).</summary>
    private static readonly Dictionary<int, (string Title, string? Detail)> Problems = new()
    {
        [400] = ("One or more validation errors occurred.", null),
        [401] = ("Unauthorized.", "The bearer access token is missing, expired or invalid."),
        [404] = ("Not Found", null),
        [409] = ("Email already registered.", "An account with this email already exists."),
        [412] = (TodoProblems.PreconditionFailedTitle, TodoProblems.PreconditionFailedDetail),
        [413] = ("Request body too large.", $"The request body may be at most {RequestLimits.MaxRequestBodyBytes} bytes."),
        [414] = ("URI Too Long", RequestLimits.TargetTooLongDetail),
        [415] = ("Unsupported Media Type", null),
        [429] = ("Too many failed logins.", "Too many failed logins for this account or client. Try again after the time in Retry-After."),
        [431] = ("Request Header Fields Too Large", RequestLimits.HeadersTooLargeDetail),
        [500] = ("An unexpected error occurred.", null),
        [503] = ("Too many password checks at once.", "Password hashing is at capacity. Try again after the time in Retry-After."),
    };

    public static void AddTo(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);

        if (operation.OperationId is { } id && ByOperation.TryGetValue(id, out var examples))
        {
            if (examples.Request is { } request && operation.RequestBody?.Content is { } requestContent)
            {
                foreach (var mediaType in requestContent.Values)
                {
                    mediaType.Example = JsonNode.Parse(request);
                }
            }

            if (examples.Response is { } response)
            {
                foreach (var mediaType in SuccessMediaTypes(operation))
                {
                    mediaType.Example = JsonNode.Parse(response);
                }
            }
        }

        foreach (var (key, response) in operation.Responses ?? new OpenApiResponses())
        {
            if (int.TryParse(key, CultureInfo.InvariantCulture, out var status) && status >= 400 && response.Content is { } content)
            {
                foreach (var mediaType in content.Values)
                {
                    mediaType.Example = Problem(status, operation.OperationId);
                }
            }
        }
    }

    private static IEnumerable<OpenApiMediaType> SuccessMediaTypes(OpenApiOperation operation) =>
        (operation.Responses ?? new OpenApiResponses()).Where(response => response.Key.StartsWith('2')).SelectMany(response => response.Value.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>());

    private static JsonObject Problem(int status, string? operationId)
    {
        var (title, detail) = Problems.TryGetValue(status, out var known) ? known : (ReasonPhrases.GetReasonPhrase(status), null);
        if (status == 401 && operationId is "login" or "refresh")
        {
            (title, detail) = (operationId == "login" ? "Invalid email or password." : "Invalid refresh token.", null);
        }
        else if (status == 409 && operationId is "replaceTodo" or "updateTodo" or "deleteTodo")
        {
            (title, detail) = (TodoProblems.ContendedTitle, TodoProblems.ContendedDetail);
        }
        else if (status == 503 && operationId is OpenApiConventions.HealthOperationId or OpenApiConventions.ReadinessOperationId)
        {
            (title, detail) = ("Service unavailable.", "The database did not answer.");
        }

        var problem = new JsonObject
        {
            ["type"] = ProblemTypes.ForStatus(status),
            ["title"] = title,
            ["status"] = status,
        };
        if (detail is not null)
        {
            problem["detail"] = detail;
        }

        if (status == 400)
        {
            problem["errors"] = operationId switch
            {
                "signup" or "login" => new JsonObject { ["email"] = new JsonArray("Email must be a valid email address.") },
                "refresh" => new JsonObject { ["refreshToken"] = new JsonArray("Refresh token is required.") },
                "changePassword" => new JsonObject { ["newPassword"] = new JsonArray("Password must be 8 to 128 characters.") },
                "deleteAccount" => new JsonObject { ["password"] = new JsonArray("Password is required.") },
                "listTodos" => new JsonObject { ["pageSize"] = new JsonArray("PageSize must be a whole number from 1 to 100.") },
                _ => new JsonObject { ["title"] = new JsonArray("Title is required.") },
            };
        }

        problem["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        return problem;
    }
}
