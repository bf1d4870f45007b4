namespace Todo.Tests.Api;

/// <summary>
/// Real time plus an offset the test controls: tokens and timestamps behave normally until a test moves the
/// clock on (for example past a login-throttle window).
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
