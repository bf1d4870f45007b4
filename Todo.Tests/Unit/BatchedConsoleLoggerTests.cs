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
    public void While_nobody_reads_the_output_lines_past_the_bound_are_counted_not_held_and_the_count_is_logged()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddBatchedFlatJsonConsole()).BuildServiceProvider();
        using var output = new StalledStream();
        var provider = new BatchedConsoleLoggerProvider(services.GetServices<ConsoleFormatter>(), output);
        var logger = provider.CreateLogger("Todo.Tests");
        LogLine(logger, -1);
        Assert.True(output.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer never wrote");

        // The writer is stuck in its write of the first line: everything now waits, or is dropped.
        const int Logged = 20_000;
        for (var line = 0; line < Logged; line++)
        {
            LogLine(logger, line);
        }

        // Once the backlog and the count are out, lines are taken again.
        output.Release.Set();
        Assert.True(SpinWait.SpinUntil(() => output.Text().Contains("were dropped", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        LogLine(logger, Logged);
        provider.Dispose();

        var lines = output.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(-1, LineNumber(lines[0]));
        var waited = lines.Skip(1).TakeWhile(line => line.Contains("\"Line\":", StringComparison.Ordinal)).ToList();
        Assert.InRange(waited.Sum(line => line.Length + 1), BatchedConsoleLoggerProvider.MaxPendingBytes / 2, BatchedConsoleLoggerProvider.MaxPendingBytes);
        Assert.InRange(waited.Count, 1, Logged - 1);
        Assert.Equal(Enumerable.Range(0, waited.Count), waited.Select(LineNumber));

        using var notice = JsonDocument.Parse(lines[1 + waited.Count]);
        Assert.Equal("Warning", notice.RootElement.GetProperty("LogLevel").GetString());
        Assert.StartsWith($"{Logged - waited.Count} log lines were dropped", notice.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal(Logged, LineNumber(lines[^1]));
        Assert.Equal(waited.Count + 3, lines.Length);
    }

    [Fact]
    public async Task Disposing_does_not_wait_for_ever_on_an_output_nobody_reads()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddBatchedFlatJsonConsole()).BuildServiceProvider();
        using var output = new StalledStream();
        var provider = new BatchedConsoleLoggerProvider(services.GetServices<ConsoleFormatter>(), output);
        var logger = provider.CreateLogger("Todo.Tests");
        LogLine(logger, 1);
        Assert.True(output.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer never wrote");

        var disposing = Task.Run(provider.Dispose);

        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(BatchedConsoleLoggerProvider.StalledWriterWait * 4)));
        output.Release.Set();
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

    private static int LineNumber(string line)
    {
        using var entry = JsonDocument.Parse(line);
        return entry.RootElement.GetProperty("State").GetProperty("Line").GetInt32();
    }

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

    /// <summary>Standard output nobody reads: the first write blocks until the test releases it.</summary>
    private sealed class StalledStream : MemoryStream
    {
        private readonly Lock _lock = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Entered.Set();
            Release.Wait();
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

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Entered.Dispose();
                Release.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
