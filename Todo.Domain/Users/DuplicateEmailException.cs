namespace Todo.Domain.Users;

/// <summary>Raised when an account already exists for the normalised address.</summary>
public sealed class DuplicateEmailException : Exception
{
    public DuplicateEmailException()
        : base("An account with this email already exists.")
    {
    }

    public DuplicateEmailException(string message)
        : base(message)
    {
    }

    public DuplicateEmailException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
