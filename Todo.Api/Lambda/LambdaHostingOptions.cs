namespace Todo.Api.Lambda;

/// <summary>
/// The <c>Lambda</c> settings; every one is optional. They are read from the application's appsettings.json,
/// environment variables (<c>Lambda__BundledDatabase</c>) and command-line arguments
/// (<c>--Lambda:BundledDatabase=...</c>), in that order, before the application is built, because the database
/// copy must be in place before the application reads its connection string.
/// </summary>
public sealed class LambdaHostingOptions
{
    public const string SectionName = "Lambda";

    public static LambdaHostingOptions Read(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var options = configuration.GetSection(SectionName).Get<LambdaHostingOptions>() ?? new();

        // A bundled database is a SQLite file: with a server database there is nothing to copy.
        var provider = configuration[Infrastructure.DatabaseOptions.ProviderSetting];
        if (!string.IsNullOrWhiteSpace(provider) && !string.Equals(provider.Trim(), nameof(Infrastructure.DatabaseProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            options.BundledDatabase = null;
        }

        return options;
    }

    /// <summary>Which event shape to expect; <see cref="LambdaEventFormat.Auto"/> (the default) detects it per event.</summary>
    public LambdaEventFormat EventFormat { get; set; } = LambdaEventFormat.Auto;

    /// <summary>
    /// A SQLite database file shipped in the package (relative to the application directory). At cold start it is
    /// copied into the temp directory and the connection string named by <see cref="ConnectionStringName"/> is
    /// pointed at the copy.
    /// </summary>
    public string? BundledDatabase { get; set; }

    /// <summary>The connection string (<c>ConnectionStrings:&lt;name&gt;</c>) to point at the temp copy.</summary>
    public string? ConnectionStringName { get; set; }

    /// <summary>
    /// The function's timeout in seconds, for the managed runtime: its handler gets no deadline without
    /// Amazon.Lambda.Core's ILambdaContext, so the request is aborted this long after the invocation began.
    /// Under the Runtime API client the real deadline comes with each invocation and this is not used.
    /// </summary>
    public int? FunctionTimeoutSeconds { get; set; }
}
