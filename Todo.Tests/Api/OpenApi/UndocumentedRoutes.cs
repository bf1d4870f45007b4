namespace Todo.Tests.Api.OpenApi;

/// <summary>
/// The requests the contract lets fall outside the API's own OpenAPI document. Everything else a test client receives
/// is checked against the document. Add a route here only with the reason it is not an API operation.
/// </summary>
public static class UndocumentedRoutes
{
    /// <summary>Exact paths, or prefixes ending in "/*".</summary>
    private static readonly (string Path, string Reason)[] Routes =
    [
        ("/", "a browser's entry point: a redirect to /docs"),
        ("/openapi/v1.json", "the document itself"),
        ("/docs", "the HTML page over the document"),
        ("/docs/init.js", "the page's own script"),
        ("/favicon.svg", "the page's icon"),
        ("/scalar/*", "Scalar's bundled script and assets"),
    ];

    public static bool Contains(string path) => Routes.Any(route => route.Path.EndsWith("/*", StringComparison.Ordinal)
        ? path.StartsWith(route.Path[..^1], StringComparison.Ordinal)
        : path == route.Path);
}
