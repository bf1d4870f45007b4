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
}
