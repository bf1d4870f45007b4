namespace Todo.Api.Auth;

/// <summary>The "Jwt" section: how access tokens are signed and what they say about themselves.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    /// <summary>HS256 needs a key of at least 256 bits; the key is read as UTF-8 text.</summary>
    public const int MinimumKeyBytes = 32;

    public string Issuer { get; set; } = "todo-api";

    public string Audience { get; set; } = "todo-api";

    /// <summary>Comes from the environment (Jwt__SigningKey) or a secret store, never from a committed file.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Short, because a stolen access token works until it expires or its session ends; refresh renews it.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
