using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Auth;

/// <summary>The "Passwords" section: how costly a hash is, and how much hashing the process does at once.</summary>
public sealed class PasswordHasherOptions
{
    public const string SectionName = "Passwords";

    /// <summary>BCrypt cost; each step doubles the work. Never below 11.</summary>
    [Range(11, 16)]
    public int WorkFactor { get; set; } = 11;

    /// <summary>
    /// Hashes running at once. The default leaves one core to every other route, so a storm of logins or signups
    /// cannot starve them.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Requests waiting for a hashing slot; one more is refused at once with 503.</summary>
    [Range(1, 10_000)]
    public int QueueLimit { get; set; } = 100;

    /// <summary>How long a request waits for a hashing slot before it gets 503 (the hash itself is not cut short).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
