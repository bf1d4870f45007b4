using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// A fixed window per key, starting at its first failure, held in this process's memory: enough for one
/// Kestrel process or one Lambda execution environment. Several instances would need a shared store.
/// One lock guards the counts and the per-email turns: the work under it is a few dictionary operations, next to a
/// BCrypt hash per login.
/// </summary>
public sealed class InMemoryLoginThrottle(
    IOptions<LoginThrottleOptions> options,
    IOptions<PasswordHasherOptions> hashing,
    TimeProvider time) : ILoginThrottle
{
    private const int PruneThreshold = 10_000;

    private readonly Dictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmailTurn> _turns = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<LoginResult> AttemptAsync(
        string normalizedEmail,
        string? clientAddress,
        Func<CancellationToken, Task<LoginResult>> check,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var emailKey = EmailKey(normalizedEmail);
        var clientKey = clientAddress is null ? null : ClientKey(clientAddress);

        var turn = JoinTurns(emailKey);
        try
        {
            // Waiting for the email's turn is waiting for another hash, so it is bounded like the hashing queue.
            var wait = hashing.Value.QueueTimeout;
            if (!await turn.Semaphore.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
            {
                throw new PasswordHashingSaturatedException(wait);
            }

            try
            {
                if (RetryAfter(emailKey, clientKey) is TimeSpan retryAfter)
                {
                    return new LoginResult.Throttled(retryAfter);
                }

                var result = await check(cancellationToken).ConfigureAwait(false);
                if (result is LoginResult.InvalidCredentials)
                {
                    CountFailure(emailKey, clientKey);
                }

                return result;
            }
            finally
            {
                turn.Semaphore.Release();
            }
        }
        finally
        {
            LeaveTurns(emailKey, turn);
        }
    }

    private static string EmailKey(string normalizedEmail) => "email:" + normalizedEmail;

    private static string ClientKey(string clientAddress) => "client:" + clientAddress;

    private static TimeSpan? Max(TimeSpan? first, TimeSpan? second) =>
        first is null ? second : second is null ? first : (first > second ? first : second);

    private TimeSpan? RetryAfter(string emailKey, string? clientKey)
    {
        var now = time.GetUtcNow();
        var limits = options.Value;
        lock (_gate)
        {
            var emailWait = WaitFor(emailKey, limits.MaxFailuresPerEmail, now);
            var clientWait = clientKey is null ? null : WaitFor(clientKey, limits.MaxFailuresPerClient, now);
            return Max(emailWait, clientWait);
        }
    }

    private void CountFailure(string emailKey, string? clientKey)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_windows.Count > PruneThreshold)
            {
                Prune(now);
            }

            Count(emailKey, now);
            if (clientKey is not null)
            {
                Count(clientKey, now);
            }
        }
    }

    private EmailTurn JoinTurns(string emailKey)
    {
        lock (_gate)
        {
            if (!_turns.TryGetValue(emailKey, out var turn))
            {
                turn = new EmailTurn();
                _turns[emailKey] = turn;
            }

            turn.Waiting++;
            return turn;
        }
    }

    // The last one out removes the email's turn, so emails nobody is logging in with cost no memory.
    private void LeaveTurns(string emailKey, EmailTurn turn)
    {
        lock (_gate)
        {
            if (--turn.Waiting == 0)
            {
                _turns.Remove(emailKey);
                turn.Semaphore.Dispose();
            }
        }
    }

    private bool IsOpen(FailureWindow window, DateTimeOffset now) => window.Start + options.Value.Window > now;

    private TimeSpan? WaitFor(string key, int limit, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) && window.Failures >= limit && IsOpen(window, now)
            ? window.Start + options.Value.Window - now
            : null;

    private void Count(string key, DateTimeOffset now) =>
        _windows[key] = _windows.TryGetValue(key, out var window) && IsOpen(window, now)
            ? window with { Failures = window.Failures + 1 }
            : new FailureWindow(now, 1);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            if (!IsOpen(window, now))
            {
                _windows.Remove(key);
            }
        }
    }

    private sealed record FailureWindow(DateTimeOffset Start, int Failures);

    /// <summary>One email's checks, one at a time, and how many requests hold or wait for it.</summary>
    private sealed class EmailTurn
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Waiting { get; set; }
    }
}
