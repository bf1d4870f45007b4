using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Todo.Lambda;

/// <summary>
/// One JSON object per line, the framework's JSON console formatter's keys and values, with the key/value pairs of the
/// line's scopes as top-level keys: log stores query fields at the top (CloudWatch Logs Insights' <c>filter
/// cold_start = 1</c>, <c>fields function_request_id</c>, as Powertools for AWS Lambda writes them), not inside the
/// formatter's <c>Scopes</c> array at a position that varies with the nesting.
/// </summary>
public static class FlatJsonConsole
{
    /// <summary>The console formatter's name (<c>Logging:Console:FormatterName</c>).</summary>
    public const string FormatterName = "flat-json";

    /// <summary>The timestamp of every line: UTC, ISO-8601, milliseconds.</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>
    /// Makes the console write flat JSON lines, timestamped in UTC with <see cref="TimestampFormat"/>;
    /// <paramref name="configure"/> may change the JSON formatter options (scopes are always included, and a line is never
    /// indented).
    /// </summary>
    public static ILoggingBuilder AddFlatJsonConsole(this ILoggingBuilder logging, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddConsole(console => console.FormatterName = FormatterName);
        logging.AddConsoleFormatter<FlatJsonConsoleFormatter, JsonConsoleFormatterOptions>(options =>
        {
            options.UseUtcTimestamp = true;
            options.TimestampFormat = TimestampFormat;
            configure?.Invoke(options);
            options.IncludeScopes = true;
            options.JsonWriterOptions = options.JsonWriterOptions with { Indented = false };
        });
        return logging;
    }

    /// <summary>
    /// The same lines, written by one thread in batches (see <see cref="BatchedConsoleLoggerProvider"/>) instead of the
    /// framework's console logger: for a server that logs a line per request. Options of <c>Logging:Console</c> other
    /// than its log levels do not apply.
    /// </summary>
    public static ILoggingBuilder AddBatchedFlatJsonConsole(this ILoggingBuilder logging, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        // The framework's console registers the formatter and its options; only its logger is replaced.
        logging.AddFlatJsonConsole(configure);
        foreach (var console in logging.Services.Where(service => service.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
        {
            logging.Services.Remove(console);
        }

        logging.Services.AddSingleton<ILoggerProvider, BatchedConsoleLoggerProvider>();
        return logging;
    }
}

/// <summary>
/// Writes an entry as the framework's JSON formatter does (<c>Timestamp</c>, <c>EventId</c>, <c>LogLevel</c>,
/// <c>Category</c>, <c>Message</c>, <c>Exception</c>, <c>State</c>; numbers and booleans as JSON, anything else as its
/// invariant text), with each scope's key/value pairs at the top level instead of in a <c>Scopes</c> array. Those keys
/// win over a scope key of the same name; among scopes the innermost wins, at the place where the key first appeared, so
/// every key appears once. A scope's <c>Message</c> (its text form) is left out: it only repeats its pairs. Scopes that
/// are no key/value pairs (a plain string) have no key to lift and stay in <c>Scopes</c>, left out when empty.
/// </summary>
/// <remarks>
/// Straight into a per-thread UTF-8 buffer: a line per request is on every request's path, and writing the framework's
/// object first and moving its members after (what this class did before) cost a parse and four copies of each line.
/// </remarks>
internal sealed class FlatJsonConsoleFormatter : ConsoleFormatter
{
    private const string ScopesProperty = "Scopes";

    [ThreadStatic]
    private static LineWriter? _lineWriter;

    private readonly IOptionsMonitor<JsonConsoleFormatterOptions> _options;

    public FlatJsonConsoleFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options)
        : base(FlatJsonConsole.FormatterName)
    {
        _options = options;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var line = Format(logEntry, scopeProvider);
        if (line.IsEmpty)
        {
            return;
        }

        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            textWriter.Write(chars, 0, Encoding.UTF8.GetChars(line, chars));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>
    /// The entry's line in UTF-8, line break included, in a buffer of the calling thread that its next call reuses;
    /// empty when the entry has neither a message nor an exception (as the framework's formatter writes nothing then).
    /// </summary>
    internal ReadOnlySpan<byte> Format<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return default;
        }

        var options = _options.CurrentValue;

        // A value's or a scope's text may itself log on this thread while this line is being written: that line gets
        // a writer of its own rather than resetting this one under it.
        var lineWriter = _lineWriter ??= new LineWriter();
        if (lineWriter.InUse)
        {
            lineWriter = new LineWriter();
        }

        try
        {
            return WriteLine(logEntry, scopeProvider, options, message, lineWriter);
        }
        finally
        {
            lineWriter.InUse = false;
        }
    }

    private static ReadOnlySpan<byte> WriteLine<TState>(
        in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, JsonConsoleFormatterOptions options, string? message, LineWriter lineWriter)
    {
        var writer = lineWriter.Start(options);

        writer.WriteStartObject();
        var reserved = new ReservedKeys(options.TimestampFormat is not null, logEntry.Exception is not null, logEntry.State is not null);
        if (options.TimestampFormat is { } timestampFormat)
        {
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            Span<char> timestamp = stackalloc char[64];
            if (now.TryFormat(timestamp, out var length, timestampFormat, CultureInfo.InvariantCulture))
            {
                writer.WriteString("Timestamp", timestamp[..length]);
            }
            else
            {
                writer.WriteString("Timestamp", now.ToString(timestampFormat, CultureInfo.InvariantCulture));
            }
        }

        writer.WriteNumber("EventId", logEntry.EventId.Id);
        writer.WriteString("LogLevel", LevelName(logEntry.LogLevel));
        writer.WriteString("Category", logEntry.Category);
        writer.WriteString("Message", message);
        if (logEntry.Exception is { } exception)
        {
            writer.WriteString("Exception", exception.ToString());
        }

        if (logEntry.State is { } state)
        {
            writer.WriteStartObject("State");
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                for (var i = 0; i < pairs.Count; i++)
                {
                    WriteValue(writer, pairs[i].Key, pairs[i].Value);
                }
            }
            else
            {
                writer.WriteString("Message", state.ToString());
            }

            writer.WriteEndObject();
        }

        lineWriter.CollectScopes(scopeProvider, reserved);
        foreach (var (key, value) in lineWriter.ScopePairs)
        {
            WriteValue(writer, key, value);
        }

        if (lineWriter.TextScopes.Count > 0)
        {
            writer.WriteStartArray(ScopesProperty);
            foreach (var text in lineWriter.TextScopes)
            {
                writer.WriteStringValue(text);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return lineWriter.Finish();
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => level.ToString(),
    };

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case bool flag: writer.WriteBoolean(key, flag); break;
            case int number: writer.WriteNumber(key, number); break;
            case long number: writer.WriteNumber(key, number); break;
            case double number when double.IsFinite(number): writer.WriteNumber(key, number); break;
            case float number when float.IsFinite(number): writer.WriteNumber(key, number); break;
            case decimal number: writer.WriteNumber(key, number); break;
            case byte number: writer.WriteNumber(key, number); break;
            case sbyte number: writer.WriteNumber(key, number); break;
            case short number: writer.WriteNumber(key, number); break;
            case ushort number: writer.WriteNumber(key, number); break;
            case uint number: writer.WriteNumber(key, number); break;
            case ulong number: writer.WriteNumber(key, number); break;

            // NaN and infinities have no JSON number: their text, as for any other value.
            default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>The keys a scope pair may not take: the entry's own, where written.</summary>
    private readonly record struct ReservedKeys(bool Timestamp, bool Exception, bool State)
    {
        public bool Contains(string key) => key switch
        {
            "EventId" or "LogLevel" or "Category" or "Message" or ScopesProperty => true,
            "Timestamp" => Timestamp,
            "Exception" => Exception,
            "State" => State,
            _ => false,
        };
    }

    /// <summary>A thread's buffer, JSON writer and scope lists, reused line after line.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Thread-static; the writer holds only managed memory.")]
    private sealed class LineWriter
    {
        private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private Utf8JsonWriter? _writer;
        private JsonConsoleFormatterOptions? _writerOptions;
        private ReservedKeys _reserved;

        public List<KeyValuePair<string, object?>> ScopePairs { get; } = [];

        public List<string?> TextScopes { get; } = [];

        /// <summary>Between <see cref="Start"/> and the end of the line it writes.</summary>
        public bool InUse { get; set; }

        public Utf8JsonWriter Start(JsonConsoleFormatterOptions options)
        {
            InUse = true;
            _buffer.ResetWrittenCount();

            // A writer per options instance: the monitor hands out a new one when the configuration changes.
            if (_writer is null || !ReferenceEquals(options, _writerOptions))
            {
                _writer?.Dispose();
                _writer = new Utf8JsonWriter(_buffer, options.JsonWriterOptions with { Indented = false });
                _writerOptions = options;
            }
            else
            {
                _writer.Reset(_buffer);
            }

            return _writer;
        }

        public ReadOnlySpan<byte> Finish()
        {
            _writer!.Flush();
            _buffer.Write(NewLine);
            return _buffer.WrittenSpan;
        }

        public void CollectScopes(IExternalScopeProvider? scopes, ReservedKeys reserved)
        {
            ScopePairs.Clear();
            TextScopes.Clear();
            if (scopes is null)
            {
                return;
            }

            _reserved = reserved;
            scopes.ForEachScope(static (scope, self) => self.Collect(scope), this);
        }

        // Outermost scope first: a later (inner) value replaces an earlier one in place.
        private void Collect(object? scope)
        {
            switch (scope)
            {
                case IReadOnlyList<KeyValuePair<string, object?>> list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        Add(list[i]);
                    }

                    break;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    foreach (var pair in pairs)
                    {
                        Add(pair);
                    }

                    break;
                default:
                    TextScopes.Add(Convert.ToString(scope, CultureInfo.InvariantCulture));
                    break;
            }
        }

        private void Add(KeyValuePair<string, object?> pair)
        {
            if (_reserved.Contains(pair.Key))
            {
                return;
            }

            for (var i = 0; i < ScopePairs.Count; i++)
            {
                if (string.Equals(ScopePairs[i].Key, pair.Key, StringComparison.Ordinal))
                {
                    ScopePairs[i] = pair;
                    return;
                }
            }

            ScopePairs.Add(pair);
        }
    }
}
