using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Api.Auth;

/// <summary>
/// Strict validation of our own tokens: one algorithm, our issuer and audience, a short clock skew;
/// <see cref="BearerEvents.ValidateBeyondSignatureAsync"/> adds what the library does not check.
/// </summary>
public sealed class JwtBearerConfigurator(IOptions<JwtOptions> jwtOptions) : IConfigureNamedOptions<JwtBearerOptions>
{
    // The API validates only tokens it issued itself, so the only skew is between the clocks of its own instances,
    // which NTP keeps within milliseconds; five seconds cover that and a whole-second iat. (The library's default is
    // five minutes, and 30 seconds here before: a token expired 29 seconds ago was still taken.)
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    public void Configure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var jwt = jwtOptions.Value;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new RememberingJsonWebTokenHandler());

        // After the handlers: the option sets itself on the handlers in the list.
        options.MapInboundClaims = false;

        // Nothing reads the token back from the request's authentication properties (the default keeps a copy there).
        options.SaveToken = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = AccessTokenIssuer.CreateSigningKey(jwt),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
            NameClaimType = JwtRegisteredClaimNames.Email,
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = BearerEvents.ValidateBeyondSignatureAsync,
            OnChallenge = BearerEvents.WriteChallengeAsync,
            OnForbidden = BearerEvents.WriteForbiddenAsync,
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
