namespace Todo.Tests.Lambda.Support;

/// <summary>
/// An event queued on the <see cref="FakeLambdaRuntimeApi"/>, followed through its life: handed out to a poll, then
/// answered by the function. An invocation whose answer is held keeps the function's answering request waiting for
/// <see cref="Release"/>, so the function's loop stays busy with it for exactly as long as the test says.
/// </summary>
public sealed class QueuedInvocation
{
    private readonly TaskCompletionSource _handedOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RuntimeApiOutcome> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal QueuedInvocation(string requestId, string payload, bool holdsAnswer, int? refusesResponseWith, TimeSpan timeLeft)
    {
        RequestId = requestId;
        Payload = payload;
        HoldsAnswer = holdsAnswer;
        RefusesResponseWith = refusesResponseWith;
        TimeLeft = timeLeft;
        if (!holdsAnswer)
        {
            _released.SetResult();
        }
    }

    public string RequestId { get; }

    public string Payload { get; }

    public bool HoldsAnswer { get; }

    /// <summary>The status the Runtime API answers the function's response with, instead of taking it.</summary>
    public int? RefusesResponseWith { get; }

    /// <summary>How long the function has when the event is handed out: its deadline header says now plus this.</summary>
    public TimeSpan TimeLeft { get; }

    /// <summary>Completes when a poll of <c>invocation/next</c> took the event.</summary>
    public Task HandedOut => _handedOut.Task;

    /// <summary>
    /// The function's answer (response or error) as it arrived, even while its acknowledgement is held; a refused
    /// response is no answer.
    /// </summary>
    public Task<RuntimeApiOutcome> Answered => _answered.Task;

    internal Task Released => _released.Task;

    /// <summary>Lets the Runtime API acknowledge the held answer, which frees the function's loop.</summary>
    public void Release() => _released.TrySetResult();

    internal void MarkHandedOut() => _handedOut.TrySetResult();

    internal void MarkAnswered(RuntimeApiOutcome outcome) => _answered.TrySetResult(outcome);
}
