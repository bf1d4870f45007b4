using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Todo.Api.Todos;
using Todo.Domain.Todos;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Api.OpenApi;

/// <summary>
/// A lint of the OpenAPI document, in the spirit of Spectral's rules: walks every operation and asserts what the
/// contract wants of it. Each failure names the operation and the rule.
/// </summary>
public abstract partial class OpenApiDocumentTests(TodoApplication app)
{
    private const string Json = "application/json";
    private const string Problem = "application/problem+json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [DatabaseFact]
    public async Task Every_operation_has_a_unique_camel_case_operation_id_a_summary_a_description_and_a_declared_tag()
    {
        var document = await ReadDocumentAsync();
        var declaredTags = document["tags"]!.AsArray().ToDictionary(tag => tag!["name"]!.GetValue<string>(), tag => tag!["description"]?.GetValue<string>());
        Assert.All(declaredTags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.Value), $"tag {tag.Key} has no description"));

        var ids = new List<string>();
        foreach (var (name, operation) in Operations(document))
        {
            var id = operation["operationId"]?.GetValue<string>();
            Assert.True(id is not null && CamelCase().IsMatch(id), $"{name}: operationId {id ?? "(none)"} is not camelCase");
            ids.Add(id!);
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{name}: no description");
            var tags = operation["tags"]?.AsArray().Select(tag => tag!.GetValue<string>()).ToList() ?? [];
            Assert.True(tags.Count > 0, $"{name}: no tag");
            Assert.All(tags, tag => Assert.True(declaredTags.ContainsKey(tag), $"{name}: tag {tag} is not declared"));
        }

        Assert.Equal(ids.Distinct(StringComparer.Ordinal).Count(), ids.Count);
        Assert.Subset(
            ids.ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(StringComparer.Ordinal) { "signup", "login", "refresh", "logout", "logoutAll", "getMe", "changePassword", "deleteAccount", "listTodos", "getTodo", "createTodo", "replaceTodo", "updateTodo", "deleteTodo", "getHealth", "getLiveness", "getReadiness" });
    }

    [DatabaseFact]
    public async Task Success_bodies_are_only_json_and_errors_only_problem_details_with_examples()
    {
        var document = await ReadDocumentAsync();

        foreach (var (name, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, response => response.Key.StartsWith('2'));
            foreach (var (status, response) in responses)
            {
                Assert.False(string.IsNullOrWhiteSpace(response!["description"]?.GetValue<string>()), $"{name} {status}: no description");
                var content = response["content"]?.AsObject();
                if (status is "204" or "304")
                {
                    Assert.Null(content);
                    continue;
                }

                Assert.True(content is not null, $"{name} {status}: no content");
                var expected = status.StartsWith('2') ? Json : Problem;
                Assert.True(content.Select(entry => entry.Key).SequenceEqual([expected]), $"{name} {status}: media types {string.Join(", ", content.Select(entry => entry.Key))}, expected only {expected}");
                var mediaType = content[expected]!;
                Assert.True(mediaType["example"] is not null, $"{name} {status}: no example");
                if (expected == Problem)
                {
                    var schema = mediaType["schema"]!["$ref"]!.GetValue<string>();
                    Assert.True(schema is "#/components/schemas/ProblemDetails" or "#/components/schemas/ValidationProblemDetails", $"{name} {status}: schema {schema}");
                    Assert.True(status != "400" || schema.EndsWith("ValidationProblemDetails", StringComparison.Ordinal), $"{name} 400: not the validation problem");
                }
            }

            if (operation["requestBody"] is JsonObject requestBody)
            {
                Assert.True(requestBody["required"]?.GetValue<bool>() == true, $"{name}: the request body is not required");
                var content = requestBody["content"]!.AsObject();
                Assert.Equal([Json], content.Select(entry => entry.Key));
                Assert.True(content[Json]!["example"] is not null, $"{name}: no request example");
            }
        }
    }

    [DatabaseFact]
    public async Task Every_status_the_pipeline_can_answer_is_listed_with_its_headers()
    {
        var document = await ReadDocumentAsync();

        foreach (var (name, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            var secured = operation["security"] is JsonArray { Count: > 0 };
            // Refused before routing whatever the route: malformed headers, a Content-Length over the limit, a long
            // target, large headers.
            var expected = new List<string> { "400", "413", "414", "431", "500" };
            if (secured)
            {
                expected.Add("401");
            }

            if (operation["requestBody"] is not null)
            {
                expected.Add("408");
                expected.Add("415");
            }

            if (name.Contains('{', StringComparison.Ordinal))
            {
                expected.Add("404");
            }

            Assert.All(expected, status => Assert.True(responses.ContainsKey(status), $"{name}: {status} is not listed"));
            AssertHeader(name, responses, "201", "Location");
            AssertHeader(name, responses, "429", "Retry-After");
            if (secured)
            {
                AssertHeader(name, responses, "401", "WWW-Authenticate");
            }

            if (!name.Contains("/health", StringComparison.Ordinal))
            {
                AssertHeader(name, responses, "503", "Retry-After");
            }
        }

        var login = document["paths"]!["/auth/login"]!["post"]!["responses"]!.AsObject();
        Assert.True(login.ContainsKey("429") && login.ContainsKey("503"));
    }

    [DatabaseFact]
    public async Task The_todo_operations_declare_their_etags_and_conditional_headers_and_no_other_operation_does()
    {
        var document = await ReadDocumentAsync();
        var todo = document["paths"]!["/todos/{id}"]!;
        var etags = new[] { ("get", "200"), ("get", "304"), ("put", "200"), ("patch", "200") }
            .Select(entry => (Operation: todo[entry.Item1]!, Status: entry.Item2))
            .Append((Operation: document["paths"]!["/todos"]!["post"]!, Status: "201"));
        foreach (var (operation, status) in etags)
        {
            var name = $"{operation["operationId"]} {status}";
            AssertHeader(name, operation["responses"]!.AsObject(), status, "ETag");
            Assert.True(operation["responses"]![status]!["headers"]?["ETag"] is not null, $"{name}: no ETag header");
        }

        var notModified = todo["get"]!["responses"]!["304"]!;
        Assert.Null(notModified["content"]);
        Assert.Equal(["If-None-Match"], HeaderParameters(todo["get"]!));
        foreach (var method in new[] { "put", "patch", "delete" })
        {
            var operation = todo[method]!;
            Assert.Equal(["If-Match"], HeaderParameters(operation));
            var failed = operation["responses"]!["412"]!;
            Assert.Equal("#/components/schemas/ProblemDetails", failed["content"]![Problem]!["schema"]!["$ref"]!.GetValue<string>());
            Assert.Equal(412, failed["content"]![Problem]!["example"]!["status"]!.GetValue<int>());
        }

        foreach (var (name, operation) in Operations(document))
        {
            if (!name.EndsWith(" /todos/{id}", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(operation["responses"]!.AsObject(), response => response.Key is "304" or "412");
                Assert.DoesNotContain(HeaderParameters(operation), header => header.StartsWith("If-", StringComparison.Ordinal));
            }
        }
    }

    [DatabaseFact]
    public async Task Every_response_of_every_operation_declares_the_correlation_id_header_and_its_rule()
    {
        var document = await ReadDocumentAsync();

        foreach (var (name, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            Assert.NotEmpty(responses);
            foreach (var (status, response) in responses)
            {
                AssertHeader(name, responses, status, "X-Correlation-Id");
                var schema = response!["headers"]!["X-Correlation-Id"]!["schema"]!;
                Assert.Equal("string", schema["type"]!.GetValue<string>());
                Assert.Equal("^[A-Za-z0-9._:-]{1,128}$", schema["pattern"]!.GetValue<string>());
                Assert.Equal(128, schema["maxLength"]!.GetValue<int>());
            }
        }
    }

    [DatabaseFact]
    public async Task Request_schemas_say_what_the_validators_enforce()
    {
        var document = await ReadDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        AssertString(schemas, "SignupRequest", "email", 1, User.MaxEmailLength, "email");
        AssertString(schemas, "SignupRequest", "password", 8, 128);
        AssertString(schemas, "LoginRequest", "email", 1, User.MaxEmailLength, "email");
        AssertString(schemas, "CreateTodoRequest", "title", 1, TodoItem.MaxTitleLength);
        AssertString(schemas, "ReplaceTodoRequest", "title", 1, TodoItem.MaxTitleLength);
        AssertString(schemas, "UpdateTodoRequest", "title", 1, TodoItem.MaxTitleLength);
        Assert.Equal(["email", "password"], Required(schemas, "SignupRequest"));
        Assert.Equal(["email", "password"], Required(schemas, "LoginRequest"));
        Assert.Equal(["title"], Required(schemas, "CreateTodoRequest"));
        Assert.Equal(["completed", "title"], Required(schemas, "ReplaceTodoRequest"));
        Assert.Empty(Required(schemas, "UpdateTodoRequest"));
        AssertString(schemas, "RefreshRequest", "refreshToken", 1, 512);
        AssertString(schemas, "ChangePasswordRequest", "newPassword", 8, 128);
        AssertString(schemas, "ChangePasswordRequest", "currentPassword", 1, 512);
        AssertString(schemas, "DeleteAccountRequest", "password", 1, 512);
        Assert.Equal(["refreshToken"], Required(schemas, "RefreshRequest"));
        Assert.Equal(["currentPassword", "newPassword"], Required(schemas, "ChangePasswordRequest"));
        Assert.Equal(["password"], Required(schemas, "DeleteAccountRequest"));

        // No request field accepts null: every validator refuses it.
        foreach (var name in new[] { "SignupRequest", "LoginRequest", "RefreshRequest", "ChangePasswordRequest", "DeleteAccountRequest", "CreateTodoRequest", "ReplaceTodoRequest", "UpdateTodoRequest" })
        {
            foreach (var (property, schema) in schemas[name]!["properties"]!.AsObject())
            {
                Assert.True(schema!["type"] is JsonValue, $"{name}.{property}: type {schema["type"]?.ToJsonString()}, expected one non-null type");
            }
        }

        var parameters = document["paths"]!["/todos"]!["get"]!["parameters"]!.AsArray().ToDictionary(parameter => parameter!["name"]!.GetValue<string>(), parameter => parameter!["schema"]!);
        Assert.Equal("boolean", parameters["completed"]["type"]!.GetValue<string>());
        Assert.Equal(1, parameters["page"]["minimum"]!.GetValue<int>());
        Assert.Equal(1, parameters["pageSize"]["minimum"]!.GetValue<int>());
        Assert.Equal(TodoQuery.MaxPageSize, parameters["pageSize"]["maximum"]!.GetValue<int>());
        Assert.Equal(TodoQuery.DefaultPageSize, parameters["pageSize"]["default"]!.GetValue<int>());
        foreach (var method in new[] { "get", "put", "patch", "delete" })
        {
            var id = document["paths"]!["/todos/{id}"]![method]!["parameters"]!.AsArray().Single(parameter => parameter!["name"]!.GetValue<string>() == "id")!;
            Assert.Equal(1, id["schema"]!["minimum"]!.GetValue<int>());
        }
    }

    [DatabaseFact]
    public async Task The_title_pattern_accepts_exactly_the_titles_the_validator_accepts_whatever_whitespace_they_hold()
    {
        var document = await ReadDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        string[] titled = ["CreateTodoRequest", "ReplaceTodoRequest", "UpdateTodoRequest"];
        var patterns = titled
            .Select(name => schemas[name]!["properties"]!["title"]!["pattern"]!.GetValue<string>())
            .Distinct()
            .ToArray();
        var pattern = new Regex(Assert.Single(patterns), RegexOptions.ECMAScript);
        var validator = new CreateTodoRequestValidator();

        // Every character of the Basic Multilingual Plane alone, padded with spaces, and beside a NUL; then a few
        // mixes. Surrogates are left out: alone they are not text.
        var titles = Enumerable.Range(0, 0x10000)
            .Where(code => code is < 0xD800 or > 0xDFFF)
            .Select(code => ((char)code).ToString())
            .SelectMany(text => new[] { text, $"  {text}  ", $"{text}\u0000" })
            .Concat(["", " \t\r\n\u0085\u00A0\u3000 ", "\uFEFF", " \uFEFF ", "\u180E", "a\n", "\n", "😀", " 😀 "]);
        var disagreements = titles
            .Where(title => pattern.IsMatch(title) != validator.Validate(new CreateTodoRequest(title)).IsValid)
            .Select(title => string.Join(' ', title.Select(c => $"U+{(int)c:X4}")))
            .Take(10)
            .ToList();

        Assert.Empty(disagreements);
    }

    [DatabaseFact]
    public async Task The_problem_schema_requires_type_title_status_and_trace_id_and_the_validation_problem_errors()
    {
        var document = await ReadDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        Assert.Equal(["status", "title", "traceId", "type"], Required(schemas, "ProblemDetails"));
        Assert.True(schemas["ProblemDetails"]!["properties"]!.AsObject().ContainsKey("errors"));
        // The title is the message of the exception a Kiota client throws for a problem.
        Assert.True(schemas["ProblemDetails"]!["properties"]!["title"]!["x-ms-primary-error-message"]!.GetValue<bool>());
        // The problem plus a member that only requires errors: a property declared again would shadow the base's in
        // generated classes.
        var validation = schemas["ValidationProblemDetails"]!;
        Assert.Equal("#/components/schemas/ProblemDetails", validation["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.Equal(["errors"], validation["allOf"]![1]!["required"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Null(validation["properties"]);
        Assert.Null(validation["allOf"]![1]!["properties"]);
    }

    [DatabaseFact]
    public async Task The_server_is_the_mount_point_not_the_host_header()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var server = Assert.Single(JsonNode.Parse(text)!["servers"]!.AsArray());
        Assert.Equal("/", server!["url"]!.GetValue<string>());
        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
    }

    private async Task<JsonObject> ReadDocumentAsync() => (await app.GetContractAsync()).Document;

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => Methods
            .Where(method => path.Value!.AsObject().ContainsKey(method))
            .Select(method => ($"{method.ToUpperInvariant()} {path.Key}", path.Value![method]!.AsObject())));

    /// <summary>The names of an operation's header parameters; each must be optional.</summary>
    private static string[] HeaderParameters(JsonNode operation) =>
        [.. (operation["parameters"]?.AsArray() ?? [])
            .Where(parameter => parameter!["in"]!.GetValue<string>() == "header")
            .Select(parameter =>
            {
                Assert.NotEqual(true, parameter!["required"]?.GetValue<bool>());
                Assert.Equal("string", parameter["schema"]!["type"]!.GetValue<string>());
                return parameter["name"]!.GetValue<string>();
            })];

    private static void AssertHeader(string name, JsonObject responses, string status, string header)
    {
        if (responses[status] is JsonObject response)
        {
            Assert.True(response["headers"]?[header]?["required"]?.GetValue<bool>() == true, $"{name} {status}: no required {header} header");
        }
    }

    private static void AssertString(JsonObject schemas, string schema, string property, int minLength, int maxLength, string? format = null)
    {
        var field = schemas[schema]!["properties"]![property]!;
        Assert.Equal("string", field["type"]!.GetValue<string>());
        Assert.Equal(minLength, field["minLength"]!.GetValue<int>());
        Assert.Equal(maxLength, field["maxLength"]!.GetValue<int>());
        Assert.Equal(format, field["format"]?.GetValue<string>());
    }

    private static string[] Required(JsonObject schemas, string schema) =>
        [.. (schemas[schema]!["required"]?.AsArray() ?? []).Select(name => name!.GetValue<string>()).Order(StringComparer.Ordinal)];

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();
}

public sealed class OpenApiDocumentTestsOnSqlite(SqliteApplication app) : OpenApiDocumentTests(app), IClassFixture<SqliteApplication>;

public sealed class OpenApiDocumentTestsOnPostgres(PostgresApplication app) : OpenApiDocumentTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
