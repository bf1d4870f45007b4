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
    public void Ten_failed_attempts_for_one_email_lock_it_until_the_window_passes()
    {
        Fail("ALICE@EXAMPLE.COM", "10.0.0.1", times: 10);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(10), _throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", "10.0.0.2"));
        Assert.Null(_throttle.TryBeginAttempt("BOB@EXAMPLE.COM", "10.0.0.2"));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", "10.0.0.1"));
    }

    [Fact]
    public void The_tenth_attempt_is_still_allowed_and_the_eleventh_is_not()
    {
        Fail("ALICE@EXAMPLE.COM", null, times: 9);

        Assert.Null(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", null));
        Assert.NotNull(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", null));
    }

    [Fact]
    public void A_successful_attempt_takes_back_its_count()
    {
        Fail("ALICE@EXAMPLE.COM", "10.0.0.1", times: 9);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", "10.0.0.1"));
            _throttle.RecordSuccess("ALICE@EXAMPLE.COM", "10.0.0.1");
        }

        Assert.Null(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", "10.0.0.1"));
        Assert.NotNull(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", "10.0.0.1"));
    }

    [Fact]
    public void One_client_is_locked_only_after_its_limit_of_failures_across_emails()
    {
        var limit = new LoginThrottleOptions().MaxFailuresPerClient;
        Assert.InRange(limit, 100, 1000);
        for (var i = 0; i < limit; i++)
        {
            Assert.Null(_throttle.TryBeginAttempt($"USER{i}@EXAMPLE.COM", "203.0.113.7"));
        }

        Assert.NotNull(_throttle.TryBeginAttempt("NEW@EXAMPLE.COM", "203.0.113.7"));
        Assert.Null(_throttle.TryBeginAttempt("NEW@EXAMPLE.COM", "203.0.113.8"));
    }

    [Fact]
    public void Failures_in_an_expired_window_start_a_new_count()
    {
        Fail("ALICE@EXAMPLE.COM", null, times: 9);
        _time.Advance(TimeSpan.FromMinutes(16));
        Fail("ALICE@EXAMPLE.COM", null, times: 9);

        Assert.Null(_throttle.TryBeginAttempt("ALICE@EXAMPLE.COM", null));
    }

    private void Fail(string email, string? client, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(_throttle.TryBeginAttempt(email, client));
        }
    }
}
