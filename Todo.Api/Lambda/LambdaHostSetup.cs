using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Console;

namespace Todo.Api.Lambda;

/// <summary>What running on Lambda changes in the application's host, applied through Program's configureHost hook.</summary>
internal static class LambdaHostSetup
{
    public static (LambdaHostingOptions Options, string? DatabaseCopyNote) Apply(WebApplicationBuilder builder, bool logToStandardError)
    {
        var options = builder.Configuration.GetSection(LambdaHostingOptions.SectionName).Get<LambdaHostingOptions>() ?? new();
        var databaseCopyNote = UseTemporaryDatabaseCopy(builder.Configuration, options);

        builder.Services.AddSingleton<LambdaServer>();
        builder.Services.AddSingleton<IServer>(services => services.GetRequiredService<LambdaServer>());

        // One JSON object per line on stdout is what CloudWatch Logs indexes; the scope carries the request id.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(console =>
        {
            console.IncludeScopes = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            console.JsonWriterOptions = new() { Indented = false };
        });
        if (logToStandardError)
        {
            // The local invoke command prints the proxy response on stdout; logs must not mix into it.
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        return (options, databaseCopyNote);
    }

    private static string? UseTemporaryDatabaseCopy(ConfigurationManager configuration, LambdaHostingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BundledDatabase))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionStringName))
        {
            throw new InvalidOperationException(
                $"{LambdaHostingOptions.SectionName}:{nameof(LambdaHostingOptions.BundledDatabase)} is set, so " +
                $"{LambdaHostingOptions.SectionName}:{nameof(LambdaHostingOptions.ConnectionStringName)} must name the connection string to point at its copy.");
        }

        // The package directory (LAMBDA_TASK_ROOT) is read-only on Lambda; the temp directory (/tmp) is the one
        // writable place, and Path.GetTempPath honours TMPDIR.
        var source = Path.Combine(AppContext.BaseDirectory, options.BundledDatabase);
        var target = Path.Combine(Path.GetTempPath(), Path.GetFileName(options.BundledDatabase));
        var outcome = BundledDatabaseCopy.EnsureCopy(source, target);

        var key = $"ConnectionStrings:{options.ConnectionStringName}";
        configuration[key] = new SqliteConnectionStringBuilder(configuration[key] ?? string.Empty) { DataSource = target }.ToString();

        return outcome switch
        {
            BundledDatabaseCopyOutcome.Copied => $"Copied the bundled database {source} to {target}.",
            BundledDatabaseCopyOutcome.AlreadyPresent => $"Using the database already in the temp directory, {target}.",
            _ => $"No bundled database at {source}; the application creates {target}.",
        };
    }
}
