using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;

namespace Todo.Api.Telemetry;

/// <summary>
/// Our counters as CloudWatch Embedded Metric Format: one JSON line on stdout per measurement, which Lambda's log
/// pipeline turns into CloudWatch metrics with no agent and no OTLP collector; plus one <c>ColdStart</c> line when
/// the process's first application starts. Listens only to the meter of its own application (the meter factory's
/// scope), so that two hosts in one process (the tests) do not count each other's work.
/// </summary>
public sealed class EmbeddedMetricFormatWriter(
    IMeterFactory meterFactory,
    TimeProvider time,
    TextWriter output,
    string serviceName,
    bool coldStart) : IHostedService, IDisposable
{
    /// <summary>The CloudWatch namespace the metrics land in.</summary>
    public const string Namespace = "TodoApi";

    public const string ColdStartMetric = "ColdStart";

    public const string ServiceDimension = "service";

    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (coldStart)
        {
            Write(ColdStartMetric, 1, []);
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TodoApiMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Write(instrument.Name, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();

    private void Write(string metric, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(ServiceDimension);
            foreach (var tag in tags)
            {
                json.WriteStringValue(tag.Key);
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            json.WriteStartObject();
            json.WriteString("Name", metric);
            json.WriteString("Unit", "Count");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString(ServiceDimension, serviceName);
            foreach (var tag in tags)
            {
                json.WriteString(tag.Key, tag.Value?.ToString());
            }

            json.WriteNumber(metric, value);
            json.WriteEndObject();
        }

        // One WriteLine of the whole line: Console.Out is synchronized, so lines of concurrent requests never mix.
        output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
