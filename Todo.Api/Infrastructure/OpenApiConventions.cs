using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Todo.Api.Auth;
using Todo.Domain.Todos;
using Todo.Domain.Users;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The rules every operation of the OpenAPI document follows, applied once to the generated document (after every
/// other transformer) rather than repeated on each action: the statuses any operation can return, the headers that go
/// with them, JSON-only media types, the problem schemas, what the validators enforce on request bodies, and tags.
/// </summary>
public static class OpenApiConventions
{
    public const string JsonMediaType = "application/json";
    public const string ProblemMediaType = "application/problem+json";
    public const string ProblemSchemaName = "ProblemDetails";
    public const string ValidationProblemSchemaName = "ValidationProblemDetails";
    public const string HealthOperationId = "getHealth";
    public const string LivenessOperationId = "getLiveness";
    public const string ReadinessOperationId = "getReadiness";

    /// <summary>The tags operations are grouped by; the generator names them after controllers but does not describe them.</summary>
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Auth", "Accounts, sessions and their tokens: a short-lived bearer access token and a rotating refresh token."),
        ("Todos", "The signed-in user's todos. Every route needs a bearer access token."),
        ("Operations", "Health of the service, for load balancers and monitors."),
    ];

    /// <summary>
    /// Statuses the pipeline answers before or around an action (body limit, media type, JSON reading, authentication,
    /// the exception handler), so the actions' attributes cannot know about them.
    /// </summary>
    private static readonly CrossCuttingStatus[] CrossCuttingStatuses =
    [
        // Malformed headers or framing are refused on every route, before routing.
        new(StatusCodes.Status400BadRequest, _ => true, ValidationProblemSchemaName, BadRequestDescription),
        new(StatusCodes.Status401Unauthorized, IsSecured, ProblemSchemaName,
            "The bearer access token is missing, expired, tampered, wrongly signed or revoked."),
        // Kestrel's minimum data rate for request bodies; an event on Lambda always holds its whole body.
        new(StatusCodes.Status408RequestTimeout, HasRequestBody, ProblemSchemaName, SlowBodyDescription()),
        // A Content-Length over the limit, a long target and large headers are refused on every route, before
        // routing; a longer chunked body only by a route that reads it.
        new(StatusCodes.Status413PayloadTooLarge, _ => true, ProblemSchemaName,
            $"The request body is over {RequestLimits.MaxRequestBodyBytes} bytes, chunked bodies included."),
        new(StatusCodes.Status414UriTooLong, _ => true, ProblemSchemaName,
            $"The path and query are over {RequestLimits.MaxRequestTargetLength} characters."),
        new(StatusCodes.Status415UnsupportedMediaType, HasRequestBody, ProblemSchemaName,
            "The body is not JSON: its Content-Type is missing or is not application/json."),
        new(StatusCodes.Status431RequestHeaderFieldsTooLarge, _ => true, ProblemSchemaName,
            $"The request has over {RequestLimits.MaxRequestHeaderCount} header fields or over {RequestLimits.MaxRequestHeaderBytes} bytes of them."),
        new(StatusCodes.Status500InternalServerError, _ => true, ProblemSchemaName,
            "An unexpected error. The details are in the service's log, never in the response."),
        new(StatusCodes.Status503ServiceUnavailable, operation => !IsHealthCheck(operation), ProblemSchemaName,
            "The service cannot answer now: the database does not answer (or, on a route that hashes or checks a password, hashing is at capacity). Try again after Retry-After."),
        new(StatusCodes.Status504GatewayTimeout, _ => true, ProblemSchemaName,
            "On AWS Lambda only: the function reached its time limit before the response was ready."),
    ];

    /// <summary>Words for the statuses the generator only names by their reason phrase.</summary>
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["200"] = "OK.",
        ["201"] = "Created; Location is its path.",
        ["204"] = "Done; no body.",
        ["404"] = "No such todo for this user (another user's todo is not found either), or the id is not a positive integer.",
        ["409"] = "An account with this email already exists.",
        ["429"] = "Too many failed logins for this email or client; every password check waits until Retry-After, the right password too.",
    };

    /// <summary>Said from Kestrel's own default, which the API keeps.</summary>
    private static string SlowBodyDescription()
    {
        var rate = new KestrelServerLimits().MinRequestBodyDataRate!;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"On Kestrel only: the body arrived slower than {rate.BytesPerSecond:0} bytes a second after a {rate.GracePeriod.TotalSeconds:0}-second grace, and reading it was given up.");
    }

    private static string BadRequestDescription(OpenApiOperation operation) =>
        (HasRequestBody(operation)
            ? "The body is not a JSON object of the documented shape (malformed, empty, not an object, a field of the wrong type, "
                + "a property name given twice) or breaks a rule; errors names each field (body for the body as a whole). "
            : (operation.Parameters ?? []).Any(parameter => parameter.In == ParameterLocation.Query)
                ? "A query parameter is not one of the documented values, is out of bounds, or is given more than once; errors names it. "
                : "")
        + $"A header or the request's framing is malformed (errors.{ModelStateProblemFactory.HeadersField} says which rule).";

    /// <summary>What no operation can say: answers to requests that match none, and what every response carries.</summary>
    private const string ApiDescription =
        "Every error is RFC 9457 problem details (application/problem+json) with type, title, status and traceId. "
        + "A path that is not listed here is 404, and a method a listed path does not support is 405 with Allow, both as problem details. "
        + "Every response carries X-Correlation-Id (send your own, 1 to 128 characters of A-Z a-z 0-9 . _ : -, to have it kept) "
        + "and X-Content-Type-Options: nosniff; a W3C traceparent header is honoured. "
        + "A response to a request with a bearer token, and every response with a token in it, is Cache-Control: no-store.";

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);

        document.Info.Description = ApiDescription;
        DeclareTags(document);
        DescribeSchemas(document);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            // An explicit empty list says "no token needed"; left out, a reader cannot tell it from an omission.
            operation.Security ??= [];
            KeepOnlyJsonRequestBodies(operation);
            DescribeIdParameter(operation);
            AddCrossCuttingResponses(operation, document);
            foreach (var (status, response) in operation.Responses ?? new OpenApiResponses())
            {
                if (response is OpenApiResponse concrete)
                {
                    DescribeResponse(operation, status, concrete);
                    DeclareEveryResponseHeaders(concrete);
                }
            }

            OpenApiConditionalRequests.Describe(operation);
            OpenApiExamples.AddTo(operation);
        }

        return Task.CompletedTask;
    }

    private static bool HasRequestBody(OpenApiOperation operation) => operation.RequestBody is not null;

    private static bool IsSecured(OpenApiOperation operation) => operation.Security is { Count: > 0 };

    private static void DeclareTags(OpenApiDocument document)
    {
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description }));
    }

    private static void KeepOnlyJsonRequestBodies(OpenApiOperation operation)
    {
        // [Consumes("application/json")] lets only JSON through (anything else is 415), yet the generator also lists
        // application/*+json.
        if (operation.RequestBody is OpenApiRequestBody { Content: { } content })
        {
            foreach (var mediaType in content.Keys.Where(key => key != JsonMediaType).ToList())
            {
                content.Remove(mediaType);
            }
        }
    }

    /// <summary>The route takes only a canonical positive number (anything else is 404), which "int32" alone does not say.</summary>
    private static void DescribeIdParameter(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(parameter => parameter is { In: ParameterLocation.Path, Name: "id" }))
        {
            parameter.Description = "The todo's id: a positive whole number, written without sign or leading zeros.";
            parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" };
        }
    }

    private static void AddCrossCuttingResponses(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Responses ??= [];
        foreach (var status in CrossCuttingStatuses.Where(status => status.AppliesTo(operation)))
        {
            var key = status.Status.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse declared)
            {
                // An action's own attribute already lists it; the table only adds the words.
                declared.Description = status.Describe(operation);
                continue;
            }

            operation.Responses[key] = new OpenApiResponse
            {
                Description = status.Describe(operation),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(status.Schema, document) },
                },
            };
        }
    }

    /// <summary>
    /// Success bodies are JSON only and errors problem details only (the generator also lists text/plain and text/json,
    /// which the API never sends); each status gets the headers the API sets with it.
    /// </summary>
    private static void DescribeResponse(OpenApiOperation operation, string status, OpenApiResponse response)
    {
        var keep = status.StartsWith('2') ? JsonMediaType : ProblemMediaType;
        if (response.Content is { } content)
        {
            foreach (var mediaType in content.Keys.Where(key => key != keep).ToList())
            {
                content.Remove(mediaType);
            }
        }

        if (response.Description == ReasonPhrases.GetReasonPhrase(int.Parse(status, CultureInfo.InvariantCulture))
            && Descriptions.TryGetValue(status, out var description))
        {
            response.Description = description;
        }

        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        if (IsSecured(operation))
        {
            // Not required: a request that sent no token at all is answered 401 without it.
            response.Headers["Cache-Control"] = new OpenApiHeader
            {
                Description = "no-store whenever the request carried a bearer token.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
        else if (status == "200" && operation.OperationId is "login" or "refresh")
        {
            response.Headers["Cache-Control"] = Header("no-store: the body holds tokens.");
        }

        switch (status)
        {
            case "201":
                response.Headers["Location"] = Header("The path of the created resource.", format: "uri-reference");
                break;
            case "401" when IsSecured(operation):
                response.Headers["WWW-Authenticate"] = Header("The Bearer challenge (RFC 6750), with error=\"invalid_token\" when a token was sent but refused.");
                break;
            case "429":
            case "503" when !IsHealthCheck(operation): // a health check's 503 knows no time to come back
                response.Headers["Retry-After"] = Header("Seconds to wait before trying again.", JsonSchemaType.Integer);
                break;
        }
    }

    // The correlation and security-header middleware run before anything can answer, so every response of every
    // operation has both.
    private static void DeclareEveryResponseHeaders(OpenApiResponse response)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers["X-Content-Type-Options"] = new OpenApiHeader
        {
            Description = "Always nosniff.",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("nosniff")] },
        };
        response.Headers[CorrelationId.HeaderName] = new OpenApiHeader
        {
            Description = "The request's own X-Correlation-Id when it sent a valid one, else a new one (on Lambda: API Gateway's request id). "
                + "Every log line of the request carries it as correlationId.",
            Required = true,
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = 1,
                MaxLength = CorrelationId.MaxLength,
                Pattern = CorrelationId.Pattern,
            },
        };
    }

    private static bool IsHealthCheck(OpenApiOperation operation) =>
        operation.OperationId is HealthOperationId or LivenessOperationId or ReadinessOperationId;

    private static OpenApiHeader Header(string description, JsonSchemaType type = JsonSchemaType.String, string? format = null) => new()
    {
        Description = description,
        Required = true,
        Schema = new OpenApiSchema { Type = type, Format = format, Minimum = type == JsonSchemaType.Integer ? "1" : null },
    };

    private static void DescribeSchemas(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();

        schemas[ProblemSchemaName] = new OpenApiSchema
        {
            Description = "RFC 9457 problem details: every 4xx and 5xx response.",
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "type", "title", "status", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "The RFC section of the status." },
                ["title"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "A short, human-readable summary.",
                    // Kiota's clients make this the message of the exception they throw for a problem (otherwise
                    // "Exception of type 'ProblemDetails' was thrown."); other readers ignore the extension.
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-ms-primary-error-message"] = new JsonNodeExtension(true) },
                },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened, in a sentence." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path." },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, Description = "The request's W3C trace id (32 hex digits; a traceparent's, when the request sent one), as the service's log lines carry it in TraceId; where no trace was started, the server's request id." },
                ["errors"] = ValidationErrorsSchema(),
            },
        };
        // The problem with errors required, in a second allOf member: declared again as a property of its own, it would
        // hide the base's errors in generated classes (NSwag's subclass shadows it, so a 400 read as a ProblemDetails
        // has none).
        schemas[ValidationProblemSchemaName] = new OpenApiSchema
        {
            Description = "A 400 problem naming each field that failed and why.",
            AllOf =
            [
                new OpenApiSchemaReference(ProblemSchemaName, document),
                new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string> { "errors" } },
            ],
        };
        schemas["HealthStatus"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy")] },
            },
        };

        // What the validators enforce, from the same constants. Lengths count Unicode code points, as JSON Schema does.
        Constrain(schemas, nameof(SignupRequest), required: true, ("email", Email()), ("password", Text(CredentialRules.MinPasswordLength, CredentialRules.MaxPasswordLength)));

        // Login only checks that a password is there (and not absurdly long); whether it is right is for the account.
        Constrain(schemas, nameof(LoginRequest), required: true, ("email", Email()), ("password", Text(1, 4 * CredentialRules.MaxPasswordLength)));
        Constrain(schemas, nameof(RefreshRequest), required: true, ("refreshToken", Text(1, RefreshRequestValidator.MaxRefreshTokenLength)));
        Constrain(schemas, nameof(ChangePasswordRequest), required: true, ("currentPassword", Text(1, 4 * CredentialRules.MaxPasswordLength)), ("newPassword", Text(CredentialRules.MinPasswordLength, CredentialRules.MaxPasswordLength)));
        Constrain(schemas, nameof(DeleteAccountRequest), required: true, ("password", Text(1, 4 * CredentialRules.MaxPasswordLength)));
        Constrain(schemas, "CreateTodoRequest", required: true, ("title", Title()));
        Constrain(schemas, "ReplaceTodoRequest", required: true, ("title", Title()), ("completed", new OpenApiSchema { Type = JsonSchemaType.Boolean }));
        Constrain(schemas, "UpdateTodoRequest", required: false, ("title", Title()), ("completed", new OpenApiSchema { Type = JsonSchemaType.Boolean }));
    }

    private static OpenApiSchema ValidationErrorsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Messages per camelCase field name; only in 400 validation problems.",
        AdditionalProperties = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            MinItems = 1,
            Items = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };

    private static OpenApiSchema Email() => new()
    {
        Type = JsonSchemaType.String,
        Format = "email",
        MinLength = 1,
        MaxLength = User.MaxEmailLength,
        Description = $"Trimmed; compared case-insensitively; at most {User.MaxEmailLength} characters.",
    };

    private static OpenApiSchema Text(int minLength, int maxLength) => new()
    {
        Type = JsonSchemaType.String,
        MinLength = minLength,
        MaxLength = maxLength,
    };

    /// <summary>
    /// No U+0000 anywhere, and at least one character that trimming keeps. The whitespace is spelled out as .NET's
    /// <see cref="string.Trim()"/> sees it: a validator's <c>\s</c> differs by dialect (ECMA-262 counts U+FEFF and
    /// not U+0085, Python more of the C0 controls).
    /// </summary>
    private const string TitlePattern =
        "^[^\\u0000]*[^\\u0000\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000]*$";

    private static OpenApiSchema Title() => new()
    {
        Type = JsonSchemaType.String,
        MinLength = 1,
        MaxLength = TodoItem.MaxTitleLength,
        Pattern = TitlePattern,
        Description = $"Trimmed, then 1 to {TodoItem.MaxTitleLength} characters (so not only whitespace); any Unicode but U+0000.",
    };

    /// <summary>
    /// The request records have nullable properties (so a missing field is a validation message, not a binder error),
    /// which the generator documents as <c>["null", "string"]</c>; null is refused by every validator.
    /// </summary>
    private static void Constrain(IDictionary<string, IOpenApiSchema> schemas, string name, bool required, params (string Property, OpenApiSchema Schema)[] properties)
    {
        if (!schemas.TryGetValue(name, out var found) || found is not OpenApiSchema schema)
        {
            return;
        }

        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (property, constrained) in properties)
        {
            schema.Properties[property] = constrained;
        }

        // A default is said in words: generators such as openapi-typescript type a property with a default as
        // required, and a client could then not leave out what the API lets it leave out.
        foreach (var optional in schema.Properties.Values.OfType<OpenApiSchema>().Where(property => property.Default is not null))
        {
            optional.Description = $"Optional; {optional.Default!.ToJsonString()} when left out.";
            optional.Default = null;
        }

        schema.Required = required ? new HashSet<string>(properties.Select(property => property.Property)) : null;
    }

    private sealed record CrossCuttingStatus(int Status, Func<OpenApiOperation, bool> AppliesTo, string Schema, Func<OpenApiOperation, string> Describe)
    {
        public CrossCuttingStatus(int status, Func<OpenApiOperation, bool> appliesTo, string schema, string description)
            : this(status, appliesTo, schema, _ => description)
        {
        }
    }
}
