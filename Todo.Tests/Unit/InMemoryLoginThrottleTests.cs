using Microsoft.Extensions.Options;
using Todo.Api.Auth;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Unit;

public sealed class InMemoryLoginThrottleTests
{
    private static readonly LoginResult Failure = new LoginResult.InvalidCredentials();
    private static readonly LoginResult Success = new LoginResult.Succeeded(new User("alice@example.com", "hash", DateTime.UtcNow));

    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryLoginThrottle _throttle;

    public InMemoryLoginThrottleTests()
    {
        _throttle = new InMemoryLoginThrottle(Options.Create(new LoginThrottleOptions()), Options.Create(new PasswordHasherOptions()), _time);
    }

    [Fact]
    public async Task Ten_failed_attempts_for_one_email_lock_it_until_the_window_passes()
    {
        await FailAsync("ALICE@EXAMPLE.COM", "10.0.0.1", times: 10);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(new LoginResult.Throttled(TimeSpan.FromMinutes(10)), await AttemptAsync("ALICE@EXAMPLE.COM", "10.0.0.2", Success));
        Assert.Equal(Success, await AttemptAsync("BOB@EXAMPLE.COM", "10.0.0.2", Success));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(Success, await AttemptAsync("ALICE@EXAMPLE.COM", "10.0.0.1", Success));
    }

    [Fact]
    public async Task The_tenth_attempt_is_still_checked_and_the_eleventh_is_not()
    {
        await FailAsync("ALICE@EXAMPLE.COM", null, times: 9);

        Assert.Equal(Failure, await AttemptAsync("ALICE@EXAMPLE.COM", null, Failure));
        Assert.IsType<LoginResult.Throttled>(await AttemptAsync("ALICE@EXAMPLE.COM", null, Success));
    }

    [Fact]
    public async Task Successful_attempts_are_never_counted()
    {
        await FailAsync("ALICE@EXAMPLE.COM", "10.0.0.1", times: 9);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Success, await AttemptAsync("ALICE@EXAMPLE.COM", "10.0.0.1", Success));
        }

        Assert.Equal(Failure, await AttemptAsync("ALICE@EXAMPLE.COM", "10.0.0.1", Failure));
        Assert.IsType<LoginResult.Throttled>(await AttemptAsync("ALICE@EXAMPLE.COM", "10.0.0.1", Success));
    }

    [Fact]
    public async Task Parallel_checks_for_one_email_never_outnumber_its_budget_so_exactly_the_budget_of_failures_is_checked()
    {
        var running = 0;
        var mostAtOnce = 0;
        var checks = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => _throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(5, CancellationToken.None);
            Interlocked.Decrement(ref running);
            return Failure;
        }, CancellationToken.None))));

        Assert.InRange(mostAtOnce, 1, 10);
        Assert.Equal(10, checks.Count(result => result == Failure));
        Assert.Equal(30, checks.Count(result => result is LoginResult.Throttled));
    }

    [Fact]
    public async Task Parallel_right_passwords_on_an_email_one_failure_short_of_its_limit_are_never_refused()
    {
        await FailAsync("ALICE@EXAMPLE.COM", null, times: 9);

        var checks = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => _throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, async _ =>
        {
            await Task.Yield();
            return Success;
        }, CancellationToken.None))));

        Assert.All(checks, result => Assert.Equal(Success, result));
    }

    [Fact]
    public async Task A_check_that_finds_its_budget_in_flight_waits_for_room_and_is_saturation_if_none_comes_in_time()
    {
        var throttle = new InMemoryLoginThrottle(
            Options.Create(new LoginThrottleOptions()),
            Options.Create(new PasswordHasherOptions { QueueTimeout = TimeSpan.FromMilliseconds(500) }),
            _time);
        var release = new TaskCompletionSource<LoginResult>();
        var inFlight = Enumerable.Range(0, 10)
            .Select(_ => throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, _ => release.Task, CancellationToken.None))
            .ToArray();

        await Assert.ThrowsAsync<PasswordHashingSaturatedException>(
            () => throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, _ => Task.FromResult(Failure), CancellationToken.None));
        var waiting = throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, _ => Task.FromResult(Success), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        release.SetResult(Success);
        Assert.All(await Task.WhenAll(inFlight), result => Assert.Equal(Success, result));
        Assert.Equal(Success, await waiting);
        Assert.Equal(Success, await throttle.AttemptAsync("BOB@EXAMPLE.COM", null, _ => Task.FromResult(Success), CancellationToken.None));
    }

    [Fact]
    public async Task A_failure_that_spends_the_budget_refuses_every_check_waiting_for_room()
    {
        await FailAsync("ALICE@EXAMPLE.COM", null, times: 9);
        var verdict = new TaskCompletionSource<LoginResult>();
        var last = _throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, _ => verdict.Task, CancellationToken.None);
        var waiting = Enumerable.Range(0, 5)
            .Select(_ => _throttle.AttemptAsync("ALICE@EXAMPLE.COM", null, _ => Task.FromResult(Success), CancellationToken.None))
            .ToArray();
        Assert.All(waiting, attempt => Assert.False(attempt.IsCompleted));

        verdict.SetResult(Failure);

        Assert.Equal(Failure, await last);
        Assert.All(await Task.WhenAll(waiting), result => Assert.IsType<LoginResult.Throttled>(result));
    }

    [Fact]
    public async Task One_client_is_locked_only_after_its_limit_of_failures_across_emails()
    {
        var limit = new LoginThrottleOptions().MaxFailuresPerClient;
        Assert.InRange(limit, 100, 1000);
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(Failure, await AttemptAsync($"USER{i}@EXAMPLE.COM", "203.0.113.7", Failure));
        }

        Assert.IsType<LoginResult.Throttled>(await AttemptAsync("NEW@EXAMPLE.COM", "203.0.113.7", Success));
        Assert.Equal(Success, await AttemptAsync("NEW@EXAMPLE.COM", "203.0.113.8", Success));
    }

    [Fact]
    public async Task Failures_in_an_expired_window_start_a_new_count()
    {
        await FailAsync("ALICE@EXAMPLE.COM", null, times: 9);
        _time.Advance(TimeSpan.FromMinutes(16));
        await FailAsync("ALICE@EXAMPLE.COM", null, times: 9);

        Assert.Equal(Success, await AttemptAsync("ALICE@EXAMPLE.COM", null, Success));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private Task<LoginResult> AttemptAsync(string email, string? client, LoginResult outcome) =>
        _throttle.AttemptAsync(email, client, _ => Task.FromResult(outcome), CancellationToken.None);

    private async Task FailAsync(string email, string? client, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Equal(Failure, await AttemptAsync(email, client, Failure));
        }
    }
}
