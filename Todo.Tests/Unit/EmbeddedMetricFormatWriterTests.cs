using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Telemetry;
using Todo.Tests.Support;

namespace Todo.Tests.Unit;

public sealed class EmbeddedMetricFormatWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task Writes_a_cold_start_line_then_one_line_per_measurement_of_our_counters()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new TodoApiMetrics(factory);
        using var output = new StringWriter();
        using var writer = new EmbeddedMetricFormatWriter(factory, new ManualTimeProvider(Now), output, "todo-api", coldStart: true);

        await writer.StartAsync(CancellationToken.None);
        metrics.LoggedIn(LoginOutcome.Throttled);
        metrics.TodoCreated();
        await writer.StopAsync(CancellationToken.None);
        metrics.TodoCreated();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        AssertLine(lines[0], EmbeddedMetricFormatWriter.ColdStartMetric, ["service"]);
        var login = AssertLine(lines[1], TodoApiMetrics.LoginsName, ["service", "result"]);
        Assert.Equal("throttled", login.GetProperty("result").GetString());
        AssertLine(lines[2], TodoApiMetrics.TodosCreatedName, ["service"]);
    }

    [Fact]
    public async Task Writes_no_cold_start_line_unless_told_and_ignores_another_applications_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var others = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var other = new TodoApiMetrics(others.GetRequiredService<IMeterFactory>());
        using var output = new StringWriter();
        using var writer = new EmbeddedMetricFormatWriter(services.GetRequiredService<IMeterFactory>(), new ManualTimeProvider(Now), output, "todo-api", coldStart: false);

        await writer.StartAsync(CancellationToken.None);
        other.SignedUp();

        Assert.Empty(output.ToString());
    }

    private static JsonElement AssertLine(string line, string metric, string[] dimensions)
    {
        var root = JsonDocument.Parse(line).RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(Now.ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal(EmbeddedMetricFormatWriter.Namespace, directive.GetProperty("Namespace").GetString());
        var dimensionSet = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(dimensions, dimensionSet.EnumerateArray().Select(name => name.GetString()));
        var definition = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal(metric, definition.GetProperty("Name").GetString());
        Assert.Equal("Count", definition.GetProperty("Unit").GetString());

        // Every dimension and the metric itself are members of the line, as EMF requires.
        Assert.Equal("todo-api", root.GetProperty("service").GetString());
        Assert.Equal(1, root.GetProperty(metric).GetInt64());
        return root;
    }
}
