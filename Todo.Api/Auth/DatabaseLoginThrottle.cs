using Microsoft.Extensions.Options;
using Todo.Domain.Persistence;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>
/// The throttle for a database that several instances share (PostgreSQL): failures and the checks in flight are
/// counted in the database, so 10 failures spread over any number of instances lock the email on all of them,
/// with the same rules as <see cref="InMemoryLoginThrottle"/>.
/// </summary>
/// <remarks>
/// Room for a check is taken by one atomic upsert, so parallel guesses on different instances cannot all pass the
/// budget either. A check that finds no room polls until one in flight ends (bounded like the hashing queue); a
/// check whose instance died stops counting when its lease ends.
/// </remarks>
public sealed class DatabaseLoginThrottle(
    LoginThrottleRepository entries,
    IOptions<LoginThrottleOptions> options,
    IOptions<PasswordHasherOptions> hashing,
    TimeProvider time) : ILoginThrottle
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MinimumLease = TimeSpan.FromMinutes(1);
    private static int _failuresSincePrune;

    // Every this many failures, an instance deletes the closed windows.
    private const int PruneEvery = 500;

    public async Task<LoginResult> AttemptAsync(
        string normalizedEmail,
        string? clientAddress,
        Func<CancellationToken, Task<LoginResult>> check,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var emailKey = "email:" + normalizedEmail;
        var clientKey = clientAddress is null ? null : "client:" + clientAddress;

        if (await EnterAsync(emailKey, clientKey, cancellationToken) is TimeSpan retryAfter)
        {
            return new LoginResult.Throttled(retryAfter);
        }

        var failed = false;
        try
        {
            var result = await check(cancellationToken);
            failed = result is LoginResult.InvalidCredentials;
            return result;
        }
        finally
        {
            // The outcome is counted even when the client has gone: that is what makes guessing cost.
            await LeaveAsync(emailKey, clientKey, failed);
        }
    }

    /// <returns>How long to wait when a budget is spent; null once the check may run (it is then in flight).</returns>
    private async Task<TimeSpan?> EnterAsync(string emailKey, string? clientKey, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var patience = hashing.Value.QueueTimeout;
        var lease = patience * 4 > MinimumLease ? patience * 4 : MinimumLease;
        var started = time.GetTimestamp();
        while (true)
        {
            var now = StoredTime.UtcNow(time);
            var openSince = now - limits.Window;
            if (clientKey is not null && await RetryAfterAsync(clientKey, limits.MaxFailuresPerClient, now, cancellationToken) is TimeSpan clientWait)
            {
                return clientWait;
            }

            if (await entries.TryReserveCheckAsync(emailKey, limits.MaxFailuresPerEmail, openSince, now, now + lease, cancellationToken))
            {
                return null;
            }

            if (await RetryAfterAsync(emailKey, limits.MaxFailuresPerEmail, now, cancellationToken) is TimeSpan emailWait)
            {
                return emailWait;
            }

            // No room: other checks for this email are in flight. Look again shortly.
            if (time.GetElapsedTime(started) + PollInterval > patience)
            {
                throw new PasswordHashingSaturatedException(patience);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<TimeSpan?> RetryAfterAsync(string key, int limit, DateTime now, CancellationToken cancellationToken)
    {
        var window = options.Value.Window;
        var entry = await entries.FindAsync(key, cancellationToken);
        return entry is not null && entry.Failures >= limit && entry.WindowStart + window > now
            ? entry.WindowStart + window - now
            : null;
    }

    private async Task LeaveAsync(string emailKey, string? clientKey, bool failed)
    {
        var now = StoredTime.UtcNow(time);
        var openSince = now - options.Value.Window;
        if (!failed)
        {
            await entries.ReleaseCheckAsync(emailKey, CancellationToken.None);
            return;
        }

        await entries.CountFailureAsync(emailKey, releaseCheck: true, openSince, now, CancellationToken.None);
        if (clientKey is not null)
        {
            await entries.CountFailureAsync(clientKey, releaseCheck: false, openSince, now, CancellationToken.None);
        }

        if (Interlocked.Increment(ref _failuresSincePrune) % PruneEvery == 0)
        {
            await entries.PruneAsync(openSince, now, CancellationToken.None);
        }
    }
}
