namespace Todo.Api.Auth;

/// <summary>
/// Counts failed logins per email and per client address. Only failures count, so a user who signs in
/// correctly never spends the budget; once a key is over budget every login for it is refused, the right
/// password too, so a lock-out cannot be used to test guesses.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>
    /// Atomically: refuses (returning how long to wait) when the email or the client is over budget, otherwise
    /// counts this attempt as a failure in advance, so that parallel guesses cannot all pass the check before
    /// any of them has been counted.
    /// </summary>
    TimeSpan? TryBeginAttempt(string normalizedEmail, string? clientAddress);

    /// <summary>Takes back the failure counted in advance by <see cref="TryBeginAttempt"/> for an attempt that succeeded.</summary>
    void RecordSuccess(string normalizedEmail, string? clientAddress);
}
