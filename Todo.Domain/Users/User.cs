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

    /// <summary>A user as a row stores it, read in SQL (<see cref="UserRepository.FindByEmailAsync"/>).</summary>
    internal static User FromRow(int id, string email, string normalizedEmail, string passwordHash, DateTime createdAt, int todoCount, int completedTodoCount) => new()
    {
        Id = id,
        Email = email,
        NormalizedEmail = normalizedEmail,
        PasswordHash = passwordHash,
        CreatedAt = createdAt,
        TodoCount = todoCount,
        CompletedTodoCount = completedTodoCount,
    };

    public int Id { get; private set; }

    /// <summary>The address as the user typed it, trimmed.</summary>
    public string Email { get; private set; }

    /// <summary>The lookup key: trimmed and lower-cased, so uniqueness and login ignore case.</summary>
    public string NormalizedEmail { get; private set; }

    public string PasswordHash { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>
    /// How many todos the user has, and how many of them are completed: kept by the database itself (triggers on the
    /// todos table, in the same statement as every insert, delete and completion change), so a list's totalCount is
    /// one row read however many todos there are, and stays right whichever process or tool writes.
    /// </summary>
    public int TodoCount { get; private set; }

    /// <inheritdoc cref="TodoCount"/>
    public int CompletedTodoCount { get; private set; }
}
