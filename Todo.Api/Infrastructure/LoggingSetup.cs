using Microsoft.Extensions.Logging.Console;

namespace Todo.Api.Infrastructure;

/// <summary>
/// How the API logs, on every host: outside Development one JSON object per line (what CloudWatch Logs and other log
/// stores index), with scopes as objects, so a line carries its request's traceId, spanId, correlationId and userId;
/// in Development the readable single-line console.
/// </summary>
public static class LoggingSetup
{
    /// <summary>The timestamp every JSON line carries: UTC, ISO-8601, milliseconds.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static WebApplicationBuilder AddApiLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The hosting layer starts an Activity per request (continuing a W3C traceparent); this puts its ids in scope.
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        }
        else
        {
            builder.Logging.AddJsonConsole(ConfigureJson);
        }

        return builder;
    }

    /// <summary>The JSON console's options, for any host that sets up its own console (the Lambda adapter does the same).</summary>
    public static void ConfigureJson(JsonConsoleFormatterOptions console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.IncludeScopes = true;
        console.UseUtcTimestamp = true;
        console.TimestampFormat = TimestampFormat;
        console.JsonWriterOptions = new() { Indented = false };
    }
}
