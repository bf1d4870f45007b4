using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Todo.Lambda;

/// <summary>
/// A console logger for a long-running server. The framework's console logger hands every line to its writer thread
/// and wakes that thread each time: on a busy server with one request line per request, the wake-ups cost more than
/// the requests. Here the calling thread formats its line (UTF-8, see <see cref="FlatJsonConsoleFormatter"/>) and
/// appends its bytes to a shared buffer; one writer thread
/// writes the buffer to standard output every <see cref="Interval"/> in one call, sooner when much is waiting or a
/// line is an error. A line is therefore out at most an interval after it was logged; disposing (the host stopping)
/// writes what is left. While standard output is not being read (a full pipe), at most <see cref="MaxPendingBytes"/>
/// wait; later lines are counted instead, and a warning says how many were dropped once writing resumes.
/// </summary>
[ProviderAlias("Console")]
internal sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// About twenty batches of a busy server's request lines. Holding more would not bring them out sooner, and holding
    /// everything while nobody reads would grow the heap until the process died; the framework's logger blocks the
    /// logging threads instead, which would stall every request behind the log.
    /// </summary>
    internal const int MaxPendingBytes = 1024 * 1024;

    internal static readonly TimeSpan StalledWriterWait = TimeSpan.FromSeconds(5);

    private const int EarlyWriteLength = 64 * 1024;

    private readonly FlatJsonConsoleFormatter _formatter;
    private readonly Stream _output;
    private readonly Lock _pendingLock = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _writer;
    // Two buffers that trade places at each write, grown once to what a batch needs and reused: a string or array
    // per batch would be as large as the batch and, past 85 KB, a large-object allocation that forces full GCs.
    private ArrayBufferWriter<byte> _pending = new(EarlyWriteLength);
    private ArrayBufferWriter<byte> _writing = new(EarlyWriteLength);
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private long _dropped;
    private volatile bool _disposed;

    public BatchedConsoleLoggerProvider(IEnumerable<ConsoleFormatter> formatters)
        : this(formatters, Console.OpenStandardOutput())
    {
    }

    internal BatchedConsoleLoggerProvider(IEnumerable<ConsoleFormatter> formatters, Stream output)
    {
        _formatter = formatters.OfType<FlatJsonConsoleFormatter>().First();
        _output = output;
        _writer = new Thread(WriteUntilDisposed) { IsBackground = true, Name = "Console log writer" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new BatchedConsoleLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _wake.Set();
        // A writer stuck on an output nobody reads must not hold the process at exit: its lines are lost either way.
        if (_writer.Join(StalledWriterWait))
        {
            _wake.Dispose();
        }
    }

    private void Log<TState>(string category, LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = _formatter.Format(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), _scopes);
        if (line.IsEmpty)
        {
            return;
        }

        bool writeNow;
        lock (_pendingLock)
        {
            if (_pending.WrittenCount + line.Length > MaxPendingBytes)
            {
                _dropped++;
                return;
            }

            _pending.Write(line);
            writeNow = _pending.WrittenCount >= EarlyWriteLength;
        }

        if (writeNow || logLevel >= LogLevel.Error)
        {
            _wake.Set();
        }
    }

    private void WriteUntilDisposed()
    {
        while (!_disposed)
        {
            _wake.WaitOne(Interval);
            WritePending();
        }

        WritePending();
    }

    private void WritePending()
    {
        long dropped;
        lock (_pendingLock)
        {
            (_pending, _writing) = (_writing, _pending);
            (dropped, _dropped) = (_dropped, 0);
        }

        if (dropped > 0)
        {
            // After the lines of the batch, which were all logged before the first dropped one.
            _writing.Write(_formatter.Format(
                new LogEntry<long>(LogLevel.Warning, typeof(BatchedConsoleLoggerProvider).FullName!, new EventId(1, "LogLinesDropped"), dropped, null, DroppedMessage),
                scopeProvider: null));
        }

        if (_writing.WrittenCount == 0)
        {
            return;
        }

        try
        {
            _output.Write(_writing.WrittenSpan);
            _output.Flush();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // A closed standard output must not take the server down; the lines are lost either way.
        }

        _writing.ResetWrittenCount();
    }

    private static string DroppedMessage(long dropped, Exception? exception) =>
        $"{dropped} log lines were dropped: standard output was not being read and {MaxPendingBytes} bytes were waiting";

    private sealed class BatchedConsoleLogger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        // Levels are filtered by the logger factory's rules (Logging:LogLevel, Logging:Console:LogLevel).
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Log(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
