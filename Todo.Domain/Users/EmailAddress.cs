namespace Todo.Domain.Users;

/// <summary>The rules that make two spellings of one address the same account.</summary>
public static class EmailAddress
{
    public static string Trim(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim();
    }

    public static string Normalize(string email) => Trim(email).ToUpperInvariant();
}
