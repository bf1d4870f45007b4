using System.Text.Json;

namespace Todo.Lambda;

/// <summary>
/// The event an EventBridge rule with a schedule expression sends (<c>"source": "aws.events"</c>,
/// <c>"detail-type": "Scheduled Event"</c>): a keep-warm ping. Its only purpose is that Lambda keeps an initialized
/// execution environment, so it is answered at once, without an HTTP request through the application. Every other
/// EventBridge event (and any other event that is not a proxy event) is still not an event this adapter serves.
/// </summary>
internal static partial class ScheduledEvent
{
    private const string Source = "aws.events";
    private const string DetailType = "Scheduled Event";

    /// <summary>
    /// Decided on the two members AWS documents as what marks a scheduled event; the rest of the envelope (id, time,
    /// account, region, resources, detail) is not needed to answer it, and a proxy event has neither member.
    /// </summary>
    public static bool Is(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object
        && HasString(payload, "source", Source)
        && HasString(payload, "detail-type", DetailType);

    /// <summary>The answer to a scheduled event, and the one log line that says a warm-up was served.</summary>
    public static byte[] Answer(JsonElement scheduledEvent, ILogger logger)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var rule = RuleOf(scheduledEvent) ?? "an unnamed rule";
            LogWarmUp(logger, rule);
        }

        // Nobody reads it (EventBridge invokes asynchronously), but `invoke` prints it and a test can check it.
        return """{"warmed":true}"""u8.ToArray();
    }

    private static bool HasString(JsonElement payload, string name, string expected) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);

    /// <summary>The rule's ARN, the first of <c>resources</c>: which schedule sent it, for the log.</summary>
    private static string? RuleOf(JsonElement scheduledEvent) =>
        scheduledEvent.TryGetProperty("resources", out var resources)
        && resources.ValueKind == JsonValueKind.Array
        && resources.GetArrayLength() > 0
        && resources[0].ValueKind == JsonValueKind.String
            ? resources[0].GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "warm-up: scheduled event from {Rule} answered without an HTTP request")]
    private static partial void LogWarmUp(ILogger logger, string rule);
}
