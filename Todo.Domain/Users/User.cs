namespace Todo.Domain.Users;

/// <summary>An account that owns todos. The password is only ever held as a hash.</summary>
public sealed class User
{
    public const int MaxEmailLength = 254;

    private User()
    {
        Email = string.Empty;
        NormalizedEmail = string.Empty;
        PasswordHash = string.Empty;
    }

    public User(string email, string passwordHash, DateTime createdAt)
    {
        Email = EmailAddress.Trim(email);
        NormalizedEmail = EmailAddress.Normalize(email);
        PasswordHash = passwordHash;
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }

    /// <summary>The address as the user typed it, trimmed.</summary>
    public string Email { get; private set; }

    /// <summary>The lookup key: trimmed and lower-cased, so uniqueness and login ignore case.</summary>
    public string NormalizedEmail { get; private set; }

    public string PasswordHash { get; private set; }

    public DateTime CreatedAt { get; private set; }
}
