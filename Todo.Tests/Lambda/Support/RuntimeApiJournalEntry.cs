namespace Todo.Tests.Lambda.Support;

/// <summary>What happened to an invocation at the Runtime API, in the order the Runtime API saw it.</summary>
public enum RuntimeApiStep
{
    /// <summary>A poll of <c>invocation/next</c> took the event.</summary>
    HandedOut,

    /// <summary>The function posted a response or an error for it.</summary>
    Answered,

    /// <summary>The function posted a response that the Runtime API refused (the invocation stays open).</summary>
    Refused,

    /// <summary>The Runtime API replied to that post (at once, or when a held answer was released).</summary>
    Acknowledged,
}

/// <summary>One line of the <see cref="FakeLambdaRuntimeApi"/>'s journal.</summary>
public sealed record RuntimeApiJournalEntry(RuntimeApiStep Step, string RequestId);
