using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Todo.Api.Infrastructure;
using Todo.Api.Telemetry;

namespace Todo.Tests.Api;

/// <summary>
/// The application with OpenTelemetry switched on the way production does it (an OTLP endpoint in configuration),
/// plus in-memory exporters next to the OTLP ones, so a test can read what would have been sent.
/// </summary>
public sealed class TelemetryApplication : TodoApplication
{
    // Nothing listens there: the OTLP exporters fail their exports quietly; only the in-memory copies matter.
    private const string UnusedEndpoint = "http://127.0.0.1:9";

    public TelemetryApplication(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
        : base(provider, settings: WithTelemetry(settings))
    {
    }

    public List<Activity> Spans { get; } = [];

    /// <summary>
    /// Copies of the metrics as each export saw them: the exporter's other overload keeps the live <c>Metric</c>
    /// objects, whose points any later collection rewrites under a reader's feet.
    /// </summary>
    public List<MetricSnapshot> Metrics { get; } = [];

    private static Dictionary<string, string?> WithTelemetry(IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [TelemetrySetup.OtlpEndpointKey] = UnusedEndpoint,

            // One failure locks an email out, so a test reaches the throttled result in two logins.
            ["LoginThrottle:MaxFailuresPerEmail"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    /// <summary>The spans ended so far, copied under the lock the exporter writes under.</summary>
    public Activity[] SpansSoFar()
    {
        lock (Spans)
        {
            return [.. Spans];
        }
    }

    /// <summary>
    /// The spans of one trace, once its server span has ended: the test server hands the response over before the
    /// hosting layer stops the request's activity.
    /// </summary>
    public async Task<List<Activity>> TraceAsync(ActivityTraceId traceId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var spans = SpansSoFar().Where(span => span.TraceId == traceId).ToList();
            if (spans.Any(span => span.Kind == ActivityKind.Server) || attempt == 100)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Collects every metric now and returns, per attribute set of the named instrument, a counter's sum or a
    /// histogram's count of measurements.
    /// </summary>
    public Dictionary<string, long> Values(string name)
    {
        lock (Metrics)
        {
            Metrics.Clear();
        }

        // False here, since the OTLP reader's export fails; every reader is still collected, the in-memory one too.
        Services.GetRequiredService<MeterProvider>().ForceFlush();

        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (Metrics)
        {
            foreach (var metric in Metrics.Where(metric => metric.Name == name))
            {
                foreach (var point in metric.MetricPoints)
                {
                    var tags = new List<string>();
                    foreach (var tag in point.Tags)
                    {
                        tags.Add($"{tag.Key}={tag.Value}");
                    }

                    var key = string.Join(",", tags);
                    var value = metric.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
                    values[key] = values.GetValueOrDefault(key) + value;
                }
            }
        }

        return values;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new LockedSpanExporter(Spans))));
            // The in-memory reader collects only when Values asks: a periodic collection (every 60 s by default) that is
            // under way when Values flushes is joined, not repeated, and would hand back counts from before the test's
            // last requests.
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics, reader =>
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue));
        });
    }

    /// <summary>The in-memory span exporter, but safe to read while requests of other threads end their spans.</summary>
    private sealed class LockedSpanExporter(List<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var span in batch)
                {
                    spans.Add(span);
                }
            }

            return ExportResult.Success;
        }
    }
}
