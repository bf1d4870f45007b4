using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Auth;

/// <summary>The "Sessions" section: how long a login lasts, however often it is refreshed.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>The absolute lifetime of a session and so of every refresh token it hands out (ASVS 5.0 V10.4.8).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
