using System.Diagnostics;

namespace Todo.Api.Telemetry;

/// <summary>
/// Reads a W3C <c>traceparent</c> as the Trace Context spec says, and nothing else as a request's parent. The
/// framework's propagator hands the hosting layer whatever the header holds, and a value that is not a version-00
/// parent (<c>01-…-01-extra</c>, say) became the parent of a hierarchical Activity: its "trace id" in every log line
/// was the header's raw text, as long as a client cared to send, and the problem's traceId was not it. A later
/// version is read by its version-00 fields, as the spec asks; anything else starts a new trace.
/// </summary>
internal sealed class StrictTraceParentPropagator(DistributedContextPropagator inner) : DistributedContextPropagator
{
    // "00-" + 32 hex digits of trace id + "-" + 16 of parent id + "-" + 2 of flags.
    private const int Version00Length = 55;

    public override IReadOnlyCollection<string> Fields => inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
        inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        inner.ExtractTraceIdAndState(carrier, getter, out var sent, out traceState);
        traceId = ReadTraceParent(sent);
        if (traceId is null)
        {
            // A trace state belongs to the parent it came with.
            traceState = null;
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        inner.ExtractBaggage(carrier, getter);

    /// <summary>The parent as a version-00 <c>traceparent</c>, or null for a new trace.</summary>
    private static string? ReadTraceParent(string? sent)
    {
        if (sent is not { Length: >= Version00Length } || sent[2] != '-' || !IsLowerHex(sent.AsSpan(0, 2)) || sent.StartsWith("ff", StringComparison.Ordinal))
        {
            return null;
        }

        string candidate;
        if (sent.StartsWith("00", StringComparison.Ordinal))
        {
            // Version 00 is exactly its fields.
            if (sent.Length != Version00Length)
            {
                return null;
            }

            candidate = sent;
        }
        else
        {
            // A later version may add fields after a dash; its first ones mean what version 00's do.
            if (sent.Length > Version00Length && sent[Version00Length] != '-')
            {
                return null;
            }

            candidate = string.Concat("00", sent.AsSpan(2, Version00Length - 2));
        }

        // Lower-case hex, the dashes in place, neither id all zeros.
        return ActivityContext.TryParse(candidate, null, out _) ? candidate : null;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
