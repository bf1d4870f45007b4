using Microsoft.Extensions.Options;
using Todo.Api.Auth;
using Todo.Tests.Support;

namespace Todo.Tests.Unit;

public sealed class InMemoryLoginThrottleTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryLoginThrottle _throttle;

    public InMemoryLoginThrottleTests()
    {
        _throttle = new InMemoryLoginThrottle(Options.Create(new LoginThrottleOptions()), _time);
    }

    [Fact]
    public void Ten_failures_for_one_email_lock_it_until_the_window_passes()
    {
        for (var i = 0; i < 9; i++)
        {
            _throttle.RecordFailure("ALICE@EXAMPLE.COM", "10.0.0.1");
        }

        Assert.Null(_throttle.GetRetryAfter("ALICE@EXAMPLE.COM", "10.0.0.1"));

        _throttle.RecordFailure("ALICE@EXAMPLE.COM", "10.0.0.1");
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(10), _throttle.GetRetryAfter("ALICE@EXAMPLE.COM", "10.0.0.2"));
        Assert.Null(_throttle.GetRetryAfter("BOB@EXAMPLE.COM", "10.0.0.2"));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(_throttle.GetRetryAfter("ALICE@EXAMPLE.COM", "10.0.0.1"));
    }

    [Fact]
    public void One_client_is_locked_only_after_100_failures_across_emails()
    {
        for (var i = 0; i < 99; i++)
        {
            _throttle.RecordFailure($"USER{i}@EXAMPLE.COM", "203.0.113.7");
        }

        Assert.Null(_throttle.GetRetryAfter("NEW@EXAMPLE.COM", "203.0.113.7"));

        _throttle.RecordFailure("USER99@EXAMPLE.COM", "203.0.113.7");

        Assert.NotNull(_throttle.GetRetryAfter("NEW@EXAMPLE.COM", "203.0.113.7"));
        Assert.Null(_throttle.GetRetryAfter("NEW@EXAMPLE.COM", "203.0.113.8"));
    }

    [Fact]
    public void Failures_in_an_expired_window_start_a_new_count()
    {
        for (var i = 0; i < 9; i++)
        {
            _throttle.RecordFailure("ALICE@EXAMPLE.COM", null);
        }

        _time.Advance(TimeSpan.FromMinutes(16));
        _throttle.RecordFailure("ALICE@EXAMPLE.COM", null);

        Assert.Null(_throttle.GetRetryAfter("ALICE@EXAMPLE.COM", null));
    }
}
