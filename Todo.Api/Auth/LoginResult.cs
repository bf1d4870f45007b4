using Todo.Domain.Users;

namespace Todo.Api.Auth;

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
