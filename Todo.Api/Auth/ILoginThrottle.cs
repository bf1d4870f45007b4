namespace Todo.Api.Auth;

/// <summary>
/// Counts failed logins per email and per client address. Only failures count, so a user who signs in
/// correctly never spends the budget; once a key is over budget every login for it is refused, the right
/// password too, so a lock-out cannot be used to test guesses.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>How long until logins for this email / client are allowed again, or null when they are.</summary>
    TimeSpan? GetRetryAfter(string normalizedEmail, string? clientAddress);

    void RecordFailure(string normalizedEmail, string? clientAddress);

    /// <summary>
    /// Atomically: refuses (returning the wait) when over budget, otherwise counts this attempt as a failure in
    /// advance, so that parallel guesses cannot all pass the check before any of them has been counted.
    /// </summary>
    TimeSpan? TryBeginAttempt(string normalizedEmail, string? clientAddress);

    /// <summary>Takes back the failure counted in advance by <see cref="TryBeginAttempt"/> for an attempt that succeeded.</summary>
    void RecordSuccess(string normalizedEmail, string? clientAddress);
}
