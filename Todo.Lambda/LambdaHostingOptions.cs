namespace Todo.Lambda;

/// <summary>The <c>Lambda</c> settings of the application's configuration; every one is optional.</summary>
public sealed class LambdaHostingOptions
{
    public const string SectionName = "Lambda";

    /// <summary>Which event shape to expect; <see cref="LambdaEventFormat.Auto"/> (the default) detects it per event.</summary>
    public LambdaEventFormat EventFormat { get; set; } = LambdaEventFormat.Auto;

    /// <summary>
    /// The function's timeout in seconds, for the managed runtime's class-library handler: it gets no deadline without
    /// Amazon.Lambda.Core's ILambdaContext, so the request is aborted this long after the invocation began. Under the
    /// Runtime API client the real deadline comes with each invocation and this is not used.
    /// </summary>
    public int? FunctionTimeoutSeconds { get; set; }

    /// <summary>
    /// Paths (with an optional query string) requested with GET once the application has started and before the first
    /// invocation is served, each through the same per-request path as an invocation (a request scope, the whole
    /// pipeline), so that the code a request runs is JIT-compiled and its caches filled before a client waits for it.
    /// Empty (the default) turns the warm-up off. Their answers are only logged; a failing one never fails the init.
    /// </summary>
    public IList<string> WarmUpPaths { get; } = [];

    /// <summary>How long one warm-up request may take before it is aborted, so that a hanging path cannot hold up the init.</summary>
    public TimeSpan WarmUpRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The proxy event shapes the adapter understands; <see cref="Auto"/> decides per event.</summary>
public enum LambdaEventFormat
{
    Auto,
    ApiGatewayRest,
    ApiGatewayHttp,
    ApplicationLoadBalancer,
}
