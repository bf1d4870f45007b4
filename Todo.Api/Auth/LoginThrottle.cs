using System.ComponentModel.DataAnnotations;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>
/// Counts failed logins per email and per client address. Only failures count, so a user who signs in
/// correctly never spends the budget; once a key is over budget every login for it is refused, the right
/// password too, so a lock-out cannot be used to test guesses.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>
    /// Runs one password check for an email under the throttle, counted once its result is known. Checks for one
    /// email never outnumber what is left of its budget (the rest wait for room): parallel guesses cannot all pass
    /// the budget check before any of them is counted, and parallel right passwords are never counted or refused.
    /// </summary>
    /// <param name="normalizedEmail">The email in its normalised form, the key of its budget.</param>
    /// <param name="clientAddress">The client's address, the key of the second budget, if known.</param>
    /// <param name="check">The password check; an <see cref="LoginResult.InvalidCredentials"/> result counts as a failure.</param>
    /// <param name="cancellationToken">Ends the wait for room among the email's checks.</param>
    /// <returns><see cref="LoginResult.Throttled"/> without running <paramref name="check"/> when a budget is spent, else its result.</returns>
    /// <exception cref="PasswordHashingSaturatedException">No room came within the hashing wait.</exception>
    Task<LoginResult> AttemptAsync(
        string normalizedEmail,
        string? clientAddress,
        Func<CancellationToken, Task<LoginResult>> check,
        CancellationToken cancellationToken);
}

/// <summary>The three ways a password check under the login throttle ends (login, password change, account deletion).</summary>
public abstract record LoginResult
{
    private LoginResult()
    {
    }

    public sealed record Succeeded(User User) : LoginResult;

    public sealed record InvalidCredentials : LoginResult;

    public sealed record Throttled(TimeSpan RetryAfter) : LoginResult;
}

/// <summary>The "LoginThrottle" section: how many failed logins a window tolerates.</summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "LoginThrottle";

    /// <summary>Failures for one email address after which its logins are refused until the window ends.</summary>
    [Range(1, 10)]
    public int MaxFailuresPerEmail { get; set; } = 10;

    /// <summary>
    /// Failures from one client address (any email). High, so that people behind one NAT are not locked out
    /// together: the per-email limit already stops guessing at one account; this one only slows stuffing.
    /// </summary>
    [Range(100, 100_000)]
    public int MaxFailuresPerClient { get; set; } = 500;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
