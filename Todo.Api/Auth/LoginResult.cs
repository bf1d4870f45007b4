namespace Todo.Api.Auth;

/// <summary>The three ways a login ends.</summary>
public abstract record LoginResult
{
    private LoginResult()
    {
    }

    public sealed record Succeeded(AccessToken Token) : LoginResult;

    public sealed record InvalidCredentials : LoginResult;

    public sealed record Throttled(TimeSpan RetryAfter) : LoginResult;
}
