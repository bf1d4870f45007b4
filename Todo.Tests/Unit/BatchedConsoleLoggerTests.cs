using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Todo.Lambda;

namespace Todo.Tests.Unit;

public sealed partial class BatchedConsoleLoggerTests
{
    [Fact]
    public async Task Lines_from_many_threads_come_out_whole_with_their_scopes_within_an_interval()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddBatchedFlatJsonConsole()).BuildServiceProvider();
        using var output = new LockedStream();
        using var provider = new BatchedConsoleLoggerProvider(services.GetServices<ConsoleFormatter>(), output);
        var scopes = new LoggerExternalScopeProvider();
        provider.SetScopeProvider(scopes);
        var logger = provider.CreateLogger("Todo.Tests");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
        {
            for (var line = 0; line < 500; line++)
            {
                using (logger.BeginScope(new Dictionary<string, object> { ["thread"] = thread }))
                {
                    LogLine(logger, line);
                }
            }
        })));
        await Task.Delay(BatchedConsoleLoggerProvider.Interval * 4);

        var lines = output.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8 * 500, lines.Length);
        var seen = lines.Select(line =>
        {
            using var entry = JsonDocument.Parse(line);
            return (entry.RootElement.GetProperty("thread").GetInt32(), entry.RootElement.GetProperty("State").GetProperty("Line").GetInt32());
        }).ToHashSet();
        Assert.Equal(8 * 500, seen.Count);
    }

    [Fact]
    public void Disposing_writes_what_is_still_waiting()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddBatchedFlatJsonConsole()).BuildServiceProvider();
        using var output = new LockedStream();
        var provider = new BatchedConsoleLoggerProvider(services.GetServices<ConsoleFormatter>(), output);
        var logger = provider.CreateLogger("Todo.Tests");
        LogLine(logger, 1);

        provider.Dispose();

        Assert.Contains("\"Line\":1", output.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void It_replaces_the_framework_console_and_takes_its_log_levels()
    {
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddBatchedFlatJsonConsole().AddFilter<BatchedConsoleLoggerProvider>("Noisy", LogLevel.Warning))
            .BuildServiceProvider();

        var providers = services.GetServices<ILoggerProvider>().ToList();
        Assert.Single(providers.OfType<BatchedConsoleLoggerProvider>());
        Assert.Empty(providers.OfType<ConsoleLoggerProvider>());
        Assert.False(services.GetRequiredService<ILoggerFactory>().CreateLogger("Noisy").IsEnabled(LogLevel.Information));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Line {Line}")]
    private static partial void LogLine(ILogger logger, int line);

    /// <summary>A memory stream the test may read while the writer thread writes.</summary>
    private sealed class LockedStream : MemoryStream
    {
        private readonly Lock _lock = new();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                base.Write(buffer);
            }
        }

        public string Text()
        {
            lock (_lock)
            {
                return Encoding.UTF8.GetString(ToArray());
            }
        }
    }
}
