using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Todo.Lambda;

namespace Todo.Tests.Unit;

/// <summary>
/// The console formatter of every host outside Development, as the console logger calls it: the framework's JSON
/// formatter's keys and values, and the scopes' pairs as top-level keys.
/// </summary>
public sealed partial class FlatJsonConsoleTests
{
    [Fact]
    public void Scope_pairs_are_top_level_keys_once_each_the_innermost_winning_and_the_framework_keys_kept()
    {
        var line = Write("Todo.Api.Requests", logger =>
        {
            using var lambda = logger.BeginScope(new Dictionary<string, object?> { ["cold_start"] = true, ["function_memory_size"] = 512, ["userId"] = "outer" });
            using var request = logger.BeginScope(new Dictionary<string, object?> { ["correlationId"] = "corr-1", ["userId"] = "7", ["Category"] = "not the category" });
            using var text = logger.BeginScope("a scope that is only text");
            LogResponded(logger, "/todos/{id}", 200);
        });

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        Assert.True(root.GetProperty("cold_start").GetBoolean());
        Assert.Equal(512, root.GetProperty("function_memory_size").GetInt32());
        Assert.Equal("corr-1", root.GetProperty("correlationId").GetString());
        Assert.Equal("7", root.GetProperty("userId").GetString());
        Assert.Equal("Todo.Api.Requests", root.GetProperty("Category").GetString());
        Assert.Equal("GET /todos/{id} responded 200", root.GetProperty("Message").GetString());
        Assert.Equal(200, root.GetProperty("State").GetProperty("StatusCode").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", root.GetProperty("Timestamp").GetString());

        // Only what has no key stays in Scopes; no key appears twice (JsonDocument would keep both).
        Assert.Equal(["a scope that is only text"], root.GetProperty("Scopes").EnumerateArray().Select(scope => scope.GetString()));
        var names = root.EnumerateObject().Select(property => property.Name).ToList();
        Assert.Equal(names.Distinct(StringComparer.Ordinal), names);
        Assert.DoesNotContain("System.Collections", line, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Without_scopes_the_line_is_the_framework_formatter_s_without_an_empty_Scopes()
    {
        var line = Write("Todo.Tests", logger => LogNothingInScope(logger, "x"));

        using var document = JsonDocument.Parse(line);
        Assert.Equal(
            ["Timestamp", "EventId", "LogLevel", "Category", "Message", "State"],
            document.RootElement.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public void An_exception_and_a_number_JSON_has_no_form_for_still_make_one_valid_line()
    {
        var line = Write("Todo.Tests", logger =>
        {
            using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Exception"] = "a scope's key", ["ratio"] = double.NaN, ["missing"] = null });
            LogFailed(logger, new InvalidOperationException("the cause"), double.PositiveInfinity);
        });

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        Assert.Equal("Error", root.GetProperty("LogLevel").GetString());
        Assert.Contains("InvalidOperationException: the cause", root.GetProperty("Exception").GetString(), StringComparison.Ordinal);
        Assert.Equal("Infinity", root.GetProperty("State").GetProperty("Elapsed").GetString());
        Assert.Equal("NaN", root.GetProperty("ratio").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("missing").ValueKind);
        Assert.Single(root.EnumerateObject(), property => property.NameEquals("Exception"));
    }

    [Fact]
    public void A_value_that_logs_while_its_own_line_is_written_leaves_both_lines_whole()
    {
        var output = Write("Todo.Tests", logger =>
        {
            using var scope = logger.BeginScope(new Dictionary<string, object?> { ["reentrant"] = new LogsWhenWritten(logger) });
            LogResponded(logger, "/todos", 200);
        });

        // The inner line is finished first, while the outer one waits for the value's text.
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var inner = JsonDocument.Parse(lines[0]);
        using var outer = JsonDocument.Parse(lines[1]);
        Assert.Equal("Nothing in scope inner", inner.RootElement.GetProperty("Message").GetString());
        Assert.Equal("GET /todos responded 200", outer.RootElement.GetProperty("Message").GetString());
        Assert.Equal(200, outer.RootElement.GetProperty("State").GetProperty("StatusCode").GetInt32());
        Assert.Equal("its text", outer.RootElement.GetProperty("reentrant").GetString());
    }

    [Fact]
    public void The_console_uses_it_once_added()
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddFlatJsonConsole()).BuildServiceProvider();

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        Assert.Equal(FlatJsonConsole.FormatterName, options.FormatterName);
    }

    private static string Write(string category, Action<ILogger> log)
    {
        using var services = new ServiceCollection().AddLogging(logging => logging.AddFlatJsonConsole()).BuildServiceProvider();
        var formatter = services.GetServices<ConsoleFormatter>().Single(formatter => formatter.Name == FlatJsonConsole.FormatterName);
        using var output = new StringWriter();
        log(new FormattingLogger(formatter, category, output));
        return output.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GET {Route} responded {StatusCode}")]
    private static partial void LogResponded(ILogger logger, string route, int statusCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed after {Elapsed} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, double elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nothing in scope {Value}")]
    private static partial void LogNothingInScope(ILogger logger, string value);

    /// <summary>A value whose text logs a line of its own, once (the inner line is in the same scope).</summary>
    private sealed class LogsWhenWritten(ILogger logger)
    {
        private bool _logged;

        public override string ToString()
        {
            if (!_logged)
            {
                _logged = true;
                LogNothingInScope(logger, "inner");
            }

            return "its text";
        }
    }

    /// <summary>What the console logger does with an entry, minus the queue and the console.</summary>
    private sealed class FormattingLogger(ConsoleFormatter formatter, string category, TextWriter output) : ILogger
    {
        private readonly LoggerExternalScopeProvider _scopes = new();

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull => _scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format) =>
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), _scopes, output);
    }
}
