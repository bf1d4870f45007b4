using System.Text;
using Microsoft.Extensions.Options;

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

/// <summary>Refuses to start with a missing or weak signing key, and says which setting to fix.</summary>
public sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            failures.Add("Jwt:SigningKey is missing. Set it (for example the environment variable Jwt__SigningKey) to a random secret of at least 32 bytes (256 bits).");
        }
        else if (Encoding.UTF8.GetByteCount(options.SigningKey) < JwtOptions.MinimumKeyBytes)
        {
            failures.Add($"Jwt:SigningKey is too short: HS256 needs at least {JwtOptions.MinimumKeyBytes} bytes (256 bits).");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Jwt:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Jwt:Audience must not be empty.");
        }

        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.AccessTokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("Jwt:AccessTokenLifetime must be more than zero and at most one day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
