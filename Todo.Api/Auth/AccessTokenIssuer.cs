using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>Issues HS256 access tokens with sub, email, sid, iss, aud, iat, exp and jti.</summary>
public sealed class AccessTokenIssuer(IOptions<JwtOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>How long the tokens issued now live, in whole seconds (the <c>expiresIn</c> of the response).</summary>
    public int LifetimeSeconds => (int)options.Value.AccessTokenLifetime.TotalSeconds;

    public string Issue(User user, Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(user);

        var jwt = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + jwt.AccessTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id.ToString(CultureInfo.InvariantCulture),
                [JwtRegisteredClaimNames.Email] = user.Email,
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString("D"),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(CreateSigningKey(jwt), SecurityAlgorithms.HmacSha256),
        });
    }

    public static SymmetricSecurityKey CreateSigningKey(JwtOptions jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey ?? string.Empty));
    }
}
