using System.Text.Json;

namespace Todo.Api.Lambda;

/// <summary>Writes a start-up failure as one JSON line on stdout, shaped like the JSON console logger's lines.</summary>
internal static class StartupFailureLog
{
    public static void Write(Exception exception, TextWriter? output = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("LogLevel", "Critical");
            writer.WriteString("Category", "Todo.Api.Lambda");
            writer.WriteString("Message", $"The application failed to start: {exception.Message}");
            writer.WriteString("Exception", exception.ToString());
            writer.WriteEndObject();
        }

        (output ?? Console.Out).WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
