using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// A fixed window per key, starting at its first failure, held in this process's memory: enough for one
/// Kestrel process or one Lambda execution environment. Several instances would need a shared store.
/// </summary>
public sealed class InMemoryLoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time) : ILoginThrottle
{
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly Lock _attemptGate = new();

    public TimeSpan? GetRetryAfter(string normalizedEmail, string? clientAddress)
    {
        var now = time.GetUtcNow();
        var limits = options.Value;
        var emailWait = WaitFor(EmailKey(normalizedEmail), limits.MaxFailuresPerEmail, now);
        var clientWait = clientAddress is null ? null : WaitFor(ClientKey(clientAddress), limits.MaxFailuresPerClient, now);
        return (emailWait, clientWait) switch
        {
            (null, null) => null,
            (TimeSpan email, null) => email,
            (null, TimeSpan client) => client,
            (TimeSpan email, TimeSpan client) => email > client ? email : client,
        };
    }

    public void RecordFailure(string normalizedEmail, string? clientAddress)
    {
        var now = time.GetUtcNow();
        Count(EmailKey(normalizedEmail), now);
        if (clientAddress is not null)
        {
            Count(ClientKey(clientAddress), now);
        }

        if (_windows.Count > PruneThreshold)
        {
            Prune(now);
        }
    }

    public TimeSpan? TryBeginAttempt(string normalizedEmail, string? clientAddress)
    {
        lock (_attemptGate)
        {
            if (GetRetryAfter(normalizedEmail, clientAddress) is TimeSpan wait)
            {
                return wait;
            }

            RecordFailure(normalizedEmail, clientAddress);
            return null;
        }
    }

    public void RecordSuccess(string normalizedEmail, string? clientAddress)
    {
        var now = time.GetUtcNow();
        Uncount(EmailKey(normalizedEmail), now);
        if (clientAddress is not null)
        {
            Uncount(ClientKey(clientAddress), now);
        }
    }

    private static string EmailKey(string normalizedEmail) => "email:" + normalizedEmail;

    private static string ClientKey(string clientAddress) => "client:" + clientAddress;

    private TimeSpan? WaitFor(string key, int limit, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            return null;
        }

        var ends = window.Start + options.Value.Window;
        return window.Failures >= limit && ends > now ? ends - now : null;
    }

    private void Count(string key, DateTimeOffset now) =>
        _windows.AddOrUpdate(
            key,
            static (_, now) => new FailureWindow(now, 1),
            (_, window, now) => window.Start + options.Value.Window <= now
                ? new FailureWindow(now, 1)
                : window with { Failures = window.Failures + 1 },
            now);

    private void Uncount(string key, DateTimeOffset now)
    {
        while (_windows.TryGetValue(key, out var window) && window.Start + options.Value.Window > now)
        {
            var done = window.Failures <= 1
                ? _windows.TryRemove(KeyValuePair.Create(key, window))
                : _windows.TryUpdate(key, window with { Failures = window.Failures - 1 }, window);
            if (done)
            {
                return;
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            if (window.Start + options.Value.Window <= now)
            {
                _windows.TryRemove(KeyValuePair.Create(key, window));
            }
        }
    }

    private sealed record FailureWindow(DateTimeOffset Start, int Failures);
}
