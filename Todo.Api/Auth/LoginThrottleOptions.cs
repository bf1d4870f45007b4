using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Auth;

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
