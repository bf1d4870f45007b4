using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Auth;

/// <summary>The "Passwords" section.</summary>
public sealed class PasswordHasherOptions
{
    public const string SectionName = "Passwords";

    /// <summary>BCrypt cost; each step doubles the work. Never below 11.</summary>
    [Range(11, 16)]
    public int WorkFactor { get; set; } = 11;
}
