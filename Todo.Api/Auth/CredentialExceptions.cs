namespace Todo.Api.Auth;

/// <summary>
/// A password check that did not pass: the wrong password, an unknown email, or a refresh token that is no longer
/// good. Always the same 401 for one route, so the answer tells nothing about which; the message is its title.
/// </summary>
public sealed class InvalidCredentialsException : Exception
{
    public InvalidCredentialsException()
        : base("Invalid credentials.")
    {
    }

    public InvalidCredentialsException(string message)
        : base(message)
    {
    }

    public InvalidCredentialsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Too many failed password checks for the email or the client: a 429 until the window passes.</summary>
public sealed class LoginThrottledException(TimeSpan retryAfter)
    : Exception("Too many failed logins for this account or client.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
