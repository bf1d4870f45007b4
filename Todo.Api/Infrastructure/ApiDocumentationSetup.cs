using System.Text.Encodings.Web;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Todo.Api.Todos;

namespace Todo.Api.Infrastructure;

/// <summary>GET /openapi/v1.json (OpenAPI 3 with the bearer scheme) and GET /docs (an interactive page over it).</summary>
public static class ApiDocumentationSetup
{
    public const string BearerSchemeName = "Bearer";

    private const string OpenApiRoute = "/openapi/{documentName}.json";
    private const string OpenApiDocumentPath = "/openapi/v1.json";
    private const string ScalarPrefix = "/scalar";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(AddBearerScheme);
            options.AddDocumentTransformer(AddHealthPath);
            options.AddDocumentTransformer(LeaveOutHead);
            options.AddOperationTransformer(RequireBearerWhereAuthorized);
            options.AddOperationTransformer<ListTodosRequestDocumentation>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder endpoints)
    {
        // Only the v1 document exists; the {documentName} pattern would answer /openapi/v2.json with a plain-text
        // 404 of its own instead of the problem details every other unknown route gets.
        endpoints.MapOpenApi(OpenApiDocumentPath).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

        // Scalar serves its bundled script (no CDN) under /scalar; /docs answers 200 itself rather than
        // redirecting, and builds its links from PathBase so it also works under an API Gateway stage.
        endpoints.MapScalarApiReference(ScalarPrefix, options => options
            .WithTitle("Todo API")
            .WithOpenApiRoutePattern(OpenApiRoute));
        endpoints.MapMethods("/docs", [HttpMethods.Get, HttpMethods.Head], WriteDocsPage).ExcludeFromDescription();
        return endpoints;
    }

    private static IResult WriteDocsPage(HttpContext context)
    {
        var pathBase = HtmlEncoder.Default.Encode(context.Request.PathBase.Value ?? string.Empty);
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Todo API</title>
            </head>
            <body>
              <div id="app"></div>
              <script src="{{pathBase}}{{ScalarPrefix}}/scalar.js"></script>
              <script>
                Scalar.createApiReference('#app', { url: '{{pathBase}}/openapi/v1.json', hideClientButton: false });
              </script>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static Task AddBearerScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Todo API";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The accessToken from POST /auth/login.",
        };
        return Task.CompletedTask;
    }

    /// <summary>Every GET also answers HEAD (RFC 9110 §9.3.2); listing each HEAD would only double the reads.</summary>
    private static Task LeaveOutHead(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var path in document.Paths.Values)
        {
            path.Operations?.Remove(HttpMethod.Head);
        }

        return Task.CompletedTask;
    }

    /// <summary>The health endpoint is not an MVC action, so the API explorer does not see it.</summary>
    private static Task AddHealthPath(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Paths["/health"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Summary = "200 when the database answers, 503 (problem details) when it does not.",
                    Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse { Description = "Healthy" },
                        ["503"] = new OpenApiResponse { Description = "The database did not answer" },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static Task RequireBearerWhereAuthorized(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [],
            });
        }

        return Task.CompletedTask;
    }
}
