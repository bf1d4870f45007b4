using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Todo.Api.Telemetry;

public static class TelemetrySetup
{
    /// <summary>The standard OTLP setting (environment variable or any configuration source) that turns exporting on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    public const string DefaultServiceName = "todo-api";

    /// <summary>True: our counters and a cold-start metric as CloudWatch EMF lines on stdout (for Lambda).</summary>
    public const string EmbeddedMetricFormatKey = "Telemetry:EmbeddedMetricFormat";

    /// <summary>
    /// Our counters and a strict reading of <c>traceparent</c> always; OpenTelemetry (traces and metrics over OTLP)
    /// only when <see cref="OtlpEndpointKey"/> is set, so that a cold start without a collector loads and starts none
    /// of it.
    /// </summary>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddSingleton<TodoApiMetrics>();

        // Registered after the host's own, so the hosting layer reads a request's traceparent through it.
        builder.Services.AddSingleton<DistributedContextPropagator>(new StrictTraceParentPropagator(DistributedContextPropagator.Current));

        // An explicit OTEL_SERVICE_NAME wins; AddService would otherwise override what the SDK read from it.
        var serviceName = builder.Configuration[ServiceNameKey] is { Length: > 0 } configured ? configured : DefaultServiceName;

        if (builder.Configuration.GetValue<bool>(EmbeddedMetricFormatKey))
        {
            builder.Services.AddHostedService(services => new EmbeddedMetricFormatWriter(
                services.GetRequiredService<IMeterFactory>(),
                services.GetRequiredService<TimeProvider>(),
                Console.Out,
                serviceName,
                ProcessColdStart.TryClaim()));
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            return builder;
        }

        AddOpenTelemetry(builder.Services, serviceName);
        return builder;
    }

    // A method of its own, never inlined: compiling AddApiTelemetry then loads none of OpenTelemetry's assemblies,
    // so a cold start without an endpoint does not pay for them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetry(IServiceCollection services, string serviceName)
    {
        // The exporters read OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers) from configuration themselves.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()

                // EF Core's diagnostics, not a provider's: one span per command on SQLite and PostgreSQL alike
                // (Microsoft.Data.Sqlite has no ActivitySource; Npgsql's own would double the PostgreSQL spans).
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(TodoApiMetrics.MeterName)
                .AddOtlpExporter());
    }
}

/// <summary>A Lambda execution environment runs one process per cold start: the first application built in it claims it.</summary>
public static class ProcessColdStart
{
    private static int _claimed;

    /// <summary>True exactly once per process.</summary>
    public static bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
