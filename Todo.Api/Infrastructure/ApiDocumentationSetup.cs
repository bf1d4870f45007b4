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
        // The document's server is the mount point, read from the request being answered.
        services.AddHttpContextAccessor();
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(UseMountPointAsServer);
            options.AddDocumentTransformer(AddBearerScheme);
            options.AddDocumentTransformer(AddHealthPath);
            options.AddDocumentTransformer(LeaveOutHead);
            options.AddOperationTransformer(RequireBearerWhereAuthorized);
            options.AddOperationTransformer<ListTodosRequestDocumentation>();

            // Last: it completes every operation, the health path included.
            options.AddDocumentTransformer(OpenApiConventions.ApplyAsync);
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
        endpoints.MapMethods(DocsPath, [HttpMethods.Get, HttpMethods.Head], WriteDocsPage).ExcludeFromDescription();
        endpoints.MapMethods(DocsScriptPath, [HttpMethods.Get, HttpMethods.Head], () => Results.Text(DocsScript, "text/javascript; charset=utf-8"))
            .ExcludeFromDescription();
        endpoints.MapMethods(FaviconPath, [HttpMethods.Get, HttpMethods.Head], () => Results.Text(Favicon, "image/svg+xml"))
            .ExcludeFromDescription();

        // A browser pointed at the API's root lands on its documentation. The target carries PathBase, so that /Prod
        // (which API Gateway may pass without a trailing slash) goes to /Prod/docs, not /docs.
        endpoints.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Results.Redirect($"{context.Request.PathBase}{DocsPath}"))
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// Only the API's own origin: scripts and styles from the app itself (Scalar injects its styles inline), no
    /// fonts or scripts from anywhere else, no framing (clickjacking), no referrer leaking the page's URL.
    /// </summary>
    public const string DocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string DocsPath = "/docs";
    public const string FaviconPath = "/favicon.svg";

    private const string DocsScriptPath = "/docs/init.js";

    // The app's own icon, so that the browser does not ask anyone else (or 404 on /favicon.ico) for one.
    private const string Favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f6f4f"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>
        """;

    // The page's one script of its own is a file, not inline, so that the policy needs no 'unsafe-inline' scripts.
    // Scalar's defaults reach other origins: fonts from its CDN, telemetry, an AI agent; all of them off, so the page
    // talks to the API's own origin only (the policy would block them anyway, with console errors).
    private const string DocsScript = """
        const options = document.currentScript.dataset;
        Scalar.createApiReference('#app', {
          url: options.openapi,
          hideClientButton: false,
          withDefaultFonts: false,
          telemetry: false,
          agent: { disabled: true },
          showDeveloperTools: 'never',
        });
        """;

    private static IResult WriteDocsPage(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = DocsContentSecurityPolicy;
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.XFrameOptions = "DENY";
        var pathBase = HtmlEncoder.Default.Encode(context.Request.PathBase.Value ?? string.Empty);
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>Todo API</title>
              <link rel="icon" type="image/svg+xml" href="{{pathBase}}{{FaviconPath}}" />
            </head>
            <body>
              <div id="app"></div>
              <script src="{{pathBase}}{{ScalarPrefix}}/scalar.js"></script>
              <script src="{{pathBase}}{{DocsScriptPath}}" data-openapi="{{pathBase}}{{OpenApiDocumentPath}}"></script>
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

    /// <summary>
    /// The one server is where the API is mounted, as a path: "/" on Kestrel, "/prod" behind an API Gateway stage.
    /// The framework would write the request's scheme and Host header, which the client chooses: with
    /// <c>Host: evil.example</c> "try it" on the docs page would send pasted tokens there.
    /// </summary>
    private static Task UseMountPointAsServer(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var pathBase = context.ApplicationServices.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.PathBase;
        document.Servers = [new OpenApiServer { Url = pathBase is { HasValue: true } mount ? mount.Value : "/" }];
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

    /// <summary>The health endpoints are not MVC actions, so the API explorer does not see them.</summary>
    private static Task AddHealthPath(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Paths["/health"] = HealthPath(
            document,
            OpenApiConventions.HealthOperationId,
            "Health of the service",
            "200 when the database answers, 503 (problem details) when it does not. Needs no token and names no database.",
            "The database answers.",
            "The database did not answer.");
        document.Paths["/health/live"] = HealthPath(
            document,
            OpenApiConventions.LivenessOperationId,
            "Liveness: the process serves requests",
            "200 while the process runs; it makes no database call, so a slow database never restarts a healthy process. The liveness probe.",
            "The process serves requests.",
            unhealthy: null);
        document.Paths["/health/ready"] = HealthPath(
            document,
            OpenApiConventions.ReadinessOperationId,
            "Readiness: the database answers and is migrated",
            "200 when the database answers and no migration is pending, else 503 (problem details). The readiness probe.",
            "Ready for traffic.",
            "The database did not answer, or a migration is pending.");
        return Task.CompletedTask;
    }

    private static OpenApiPathItem HealthPath(
        OpenApiDocument document, string operationId, string summary, string description, string healthy, string? unhealthy)
    {
        var responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = healthy,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [OpenApiConventions.JsonMediaType] = new() { Schema = new OpenApiSchemaReference("HealthStatus", document) },
                },
            },
        };
        if (unhealthy is not null)
        {
            responses["503"] = new OpenApiResponse
            {
                Description = unhealthy,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [OpenApiConventions.ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(OpenApiConventions.ProblemSchemaName, document) },
                },
            };
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    OperationId = operationId,
                    Summary = summary,
                    Description = description,
                    Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                    Responses = responses,
                },
            },
        };
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
