using Todo.Lambda;

namespace Todo.Api.Infrastructure;

/// <summary>
/// How the API logs, on every host: outside Development one JSON object per line (what CloudWatch Logs and other log
/// stores index) with its scopes' values as top-level keys, so a line carries its request's TraceId, SpanId,
/// correlationId and userId where queries look for them; in Development the readable single-line console.
/// </summary>
public static class LoggingSetup
{
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
            // The same lines as the Lambda adapter's console (which replaces this one on Lambda), written in batches:
            // with a line per request, the framework's console logger spent more than the requests (docs/PERFORMANCE.md).
            builder.Logging.AddBatchedFlatJsonConsole();
        }

        return builder;
    }
}
