namespace Todo.Api.Telemetry;

/// <summary>A Lambda execution environment runs one process per cold start: the first application built in it claims it.</summary>
public static class ProcessColdStart
{
    private static int _claimed;

    /// <summary>True exactly once per process.</summary>
    public static bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
