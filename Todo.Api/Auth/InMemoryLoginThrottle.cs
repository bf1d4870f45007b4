using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// A fixed window per key, starting at its first failure, held in this process's memory: enough for one
/// Kestrel process or one Lambda execution environment. Several instances would need a shared store.
/// One lock guards the counts: the work under it is a few dictionary operations, next to a BCrypt hash per login.
/// </summary>
public sealed class InMemoryLoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time) : ILoginThrottle
{
    private const int PruneThreshold = 10_000;

    private readonly Dictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TimeSpan? TryBeginAttempt(string normalizedEmail, string? clientAddress)
    {
        var now = time.GetUtcNow();
        var limits = options.Value;
        var emailKey = EmailKey(normalizedEmail);
        var clientKey = clientAddress is null ? null : ClientKey(clientAddress);
        lock (_gate)
        {
            var emailWait = WaitFor(emailKey, limits.MaxFailuresPerEmail, now);
            var clientWait = clientKey is null ? null : WaitFor(clientKey, limits.MaxFailuresPerClient, now);
            if (emailWait is not null || clientWait is not null)
            {
                return Max(emailWait, clientWait);
            }

            if (_windows.Count > PruneThreshold)
            {
                Prune(now);
            }

            Count(emailKey, now);
            if (clientKey is not null)
            {
                Count(clientKey, now);
            }

            return null;
        }
    }

    public void RecordSuccess(string normalizedEmail, string? clientAddress)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Uncount(EmailKey(normalizedEmail), now);
            if (clientAddress is not null)
            {
                Uncount(ClientKey(clientAddress), now);
            }
        }
    }

    private static string EmailKey(string normalizedEmail) => "email:" + normalizedEmail;

    private static string ClientKey(string clientAddress) => "client:" + clientAddress;

    private static TimeSpan? Max(TimeSpan? first, TimeSpan? second) =>
        first is null ? second : second is null ? first : (first > second ? first : second);

    private bool IsOpen(FailureWindow window, DateTimeOffset now) => window.Start + options.Value.Window > now;

    private TimeSpan? WaitFor(string key, int limit, DateTimeOffset now) =>
        _windows.TryGetValue(key, out var window) && window.Failures >= limit && IsOpen(window, now)
            ? window.Start + options.Value.Window - now
            : null;

    private void Count(string key, DateTimeOffset now) =>
        _windows[key] = _windows.TryGetValue(key, out var window) && IsOpen(window, now)
            ? window with { Failures = window.Failures + 1 }
            : new FailureWindow(now, 1);

    private void Uncount(string key, DateTimeOffset now)
    {
        if (_windows.TryGetValue(key, out var window) && IsOpen(window, now))
        {
            if (window.Failures <= 1)
            {
                _windows.Remove(key);
            }
            else
            {
                _windows[key] = window with { Failures = window.Failures - 1 };
            }
        }
    }

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
}
