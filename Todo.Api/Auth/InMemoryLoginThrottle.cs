using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// A fixed window per key, starting at its first failure, held in this process's memory: enough for one
/// Kestrel process or one Lambda execution environment. Several instances would need a shared store.
/// </summary>
/// <remarks>
/// Exact for one email: a check runs only while the failures already known plus the checks in flight stay within the
/// budget, so parallel guesses can never pass it; a check that finds no room waits for one in flight to end instead
/// of being refused, so parallel right passwords are never refused (a success gives its room back). Only known
/// failures refuse. One lock guards it all: the work under it is a few dictionary operations, next to a BCrypt hash.
/// </remarks>
public sealed class InMemoryLoginThrottle(
    IOptions<LoginThrottleOptions> options,
    IOptions<PasswordHasherOptions> hashing,
    TimeProvider time) : ILoginThrottle
{
    private const int PruneThreshold = 10_000;

    private readonly Dictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmailChecks> _checks = new(StringComparer.Ordinal);
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

        if (await EnterAsync(emailKey, clientKey, cancellationToken).ConfigureAwait(false) is TimeSpan retryAfter)
        {
            return new LoginResult.Throttled(retryAfter);
        }

        var failed = false;
        try
        {
            var result = await check(cancellationToken).ConfigureAwait(false);
            failed = result is LoginResult.InvalidCredentials;
            return result;
        }
        finally
        {
            Leave(emailKey, clientKey, failed);
        }
    }

    private static string EmailKey(string normalizedEmail) => "email:" + normalizedEmail;

    private static string ClientKey(string clientAddress) => "client:" + clientAddress;

    private static TimeSpan? Max(TimeSpan? first, TimeSpan? second) =>
        first is null ? second : second is null ? first : (first > second ? first : second);

    /// <returns>How long to wait when a budget is spent; null once the check may run (it is then in flight).</returns>
    private async Task<TimeSpan?> EnterAsync(string emailKey, string? clientKey, CancellationToken cancellationToken)
    {
        // Waiting for room is waiting for other checks' hashes, so it is bounded like the hashing queue.
        var patience = hashing.Value.QueueTimeout;
        var started = time.GetTimestamp();
        while (true)
        {
            TaskCompletionSource roomMade;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                var limits = options.Value;
                var emailWait = WaitFor(emailKey, limits.MaxFailuresPerEmail, now);
                var clientWait = clientKey is null ? null : WaitFor(clientKey, limits.MaxFailuresPerClient, now);
                if (Max(emailWait, clientWait) is TimeSpan retryAfter)
                {
                    return retryAfter;
                }

                var checks = ChecksOf(emailKey);
                if (Failures(emailKey, now) + checks.InFlight < limits.MaxFailuresPerEmail)
                {
                    checks.InFlight++;
                    return null;
                }

                roomMade = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                checks.Waiting.Add(roomMade);
            }

            var remaining = patience - time.GetElapsedTime(started);
            try
            {
                await roomMade.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ended) when (ended is TimeoutException or OperationCanceledException)
            {
                lock (_gate)
                {
                    var checks = ChecksOf(emailKey);
                    checks.Waiting.Remove(roomMade);
                    Forget(emailKey, checks);
                }

                if (ended is TimeoutException)
                {
                    throw new PasswordHashingSaturatedException(patience);
                }

                throw;
            }
        }
    }

    private void Leave(string emailKey, string? clientKey, bool failed)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (failed)
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

            // Everyone waiting looks again: a success made room, a failure may have spent the budget (then they are
            // all refused at once rather than one by one).
            var checks = ChecksOf(emailKey);
            checks.InFlight--;
            foreach (var waiter in checks.Waiting)
            {
                waiter.TrySetResult();
            }

            checks.Waiting.Clear();
            Forget(emailKey, checks);
        }
    }

    private EmailChecks ChecksOf(string emailKey)
    {
        if (!_checks.TryGetValue(emailKey, out var checks))
        {
            checks = new EmailChecks();
            _checks[emailKey] = checks;
        }

        return checks;
    }

    // An email with nothing in flight and nobody waiting costs no memory.
    private void Forget(string emailKey, EmailChecks checks)
    {
        if (checks.InFlight == 0 && checks.Waiting.Count == 0)
        {
            _checks.Remove(emailKey);
        }
    }

    private bool IsOpen(FailureWindow window, DateTimeOffset now) => window.Start + options.Value.Window > now;

    private int Failures(string key, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) && IsOpen(window, now) ? window.Failures : 0;

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

    /// <summary>One email's checks in flight, and the requests waiting for room among them.</summary>
    private sealed class EmailChecks
    {
        public int InFlight { get; set; }

        public List<TaskCompletionSource> Waiting { get; } = [];
    }
}
