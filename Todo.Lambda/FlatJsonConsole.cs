using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Todo.Lambda;

/// <summary>
/// One JSON object per line, written by the framework's JSON console formatter, with the key/value pairs of the
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
    /// <paramref name="configure"/> may change the options of the framework's JSON formatter, which writes each entry
    /// first (scopes are always included, and a line is never indented).
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
        // The framework's console registers the formatters (the JSON one this one builds on among them); only its
        // logger is replaced.
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
/// Lets the framework's JSON formatter write the entry into a per-thread buffer, then writes that object again with
/// each scope's key/value pairs lifted to the top level. The framework's own keys (<c>Timestamp</c>, <c>LogLevel</c>,
/// <c>Category</c>, <c>Message</c>, <c>Exception</c>, <c>State</c>, …) win over a scope key of the same name; among
/// scopes the innermost wins, so every key appears once. A scope object's own <c>Message</c> (its text form) is
/// dropped: it only repeats its pairs. Scopes that are no key/value pairs (a plain string) have no key to lift and stay
/// in <c>Scopes</c>, which is left out when nothing is left in it.
/// </summary>
/// <remarks>
/// Parsing each line again costs a few microseconds; what it buys is that the framework keeps deciding how a value,
/// an exception or a state is written, and this class only moves members.
/// </remarks>
internal sealed class FlatJsonConsoleFormatter : ConsoleFormatter
{
    private const string ScopesProperty = "Scopes";
    private const string ScopeTextProperty = "Message";

    [ThreadStatic]
    private static StringWriter? _entryBuffer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _lineBuffer;

    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<JsonConsoleFormatterOptions> _options;
    private ConsoleFormatter? _json;

    public FlatJsonConsoleFormatter(IServiceProvider services, IOptionsMonitor<JsonConsoleFormatterOptions> options)
        : base(FlatJsonConsole.FormatterName)
    {
        _services = services;
        _options = options;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var entry = _entryBuffer ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        entry.GetStringBuilder().Clear();
        JsonFormatter.Write(logEntry, scopeProvider, entry);
        var written = entry.GetStringBuilder();
        if (written.Length == 0)
        {
            return;
        }

        using var document = JsonDocument.Parse(written.ToString());
        var line = _lineBuffer ??= new ArrayBufferWriter<byte>();
        line.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(line, _options.CurrentValue.JsonWriterOptions with { Indented = false }))
        {
            WriteFlat(document.RootElement, writer);
        }

        textWriter.Write(Encoding.UTF8.GetString(line.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    // The framework's formatter is internal and registered as one of the console's formatters, as this one is; taken
    // from the container at the first line, because asking for the formatters while they are made would be a cycle.
    private ConsoleFormatter JsonFormatter => _json ??= _services.GetServices<ConsoleFormatter>().First(formatter => formatter.Name == ConsoleFormatterNames.Json);

    internal static void WriteFlat(JsonElement entry, Utf8JsonWriter writer)
    {
        var lifted = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var unlifted = new List<JsonElement>();
        if (entry.TryGetProperty(ScopesProperty, out var scopes) && scopes.ValueKind == JsonValueKind.Array)
        {
            foreach (var scope in scopes.EnumerateArray())
            {
                if (scope.ValueKind != JsonValueKind.Object)
                {
                    unlifted.Add(scope);
                    continue;
                }

                foreach (var pair in scope.EnumerateObject())
                {
                    if (!pair.NameEquals(ScopeTextProperty) && !entry.TryGetProperty(pair.Name, out _))
                    {
                        lifted[pair.Name] = pair.Value;
                    }
                }
            }
        }

        writer.WriteStartObject();
        foreach (var property in entry.EnumerateObject())
        {
            if (!property.NameEquals(ScopesProperty))
            {
                property.WriteTo(writer);
            }
        }

        foreach (var (name, value) in lifted)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        if (unlifted.Count > 0)
        {
            writer.WriteStartArray(ScopesProperty);
            foreach (var scope in unlifted)
            {
                scope.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
