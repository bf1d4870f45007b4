using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Api.Auth;

/// <summary>
/// The bearer scheme's token handler, remembering the access tokens it has found valid: a client sends the same token
/// with every request for its whole lifetime, and parsing it, checking its signature and claims and building its
/// identity again each time was about 5 µs and 7 KB per request (≈ 7 % of a list's CPU, docs/PERFORMANCE.md).
/// </summary>
/// <remarks>
/// Only the token check is remembered, never the session: <see cref="BearerEvents.ValidateBeyondSignatureAsync"/> runs
/// for every request, so ending a session still refuses its tokens at once. A token is remembered only after the full
/// validation accepted it, by its exact text, and only until its own expiry (without the clock skew: past it, the
/// full validation decides again), read on the system clock, as the validation reads it. The validation parameters
/// are the scheme's, built once from <see cref="JwtOptions"/> for the process, so they cannot change under a
/// remembered token.
/// </remarks>
internal sealed class RememberingJsonWebTokenHandler : JsonWebTokenHandler
{
    // Bounded, so that many users at once cost memory only up to here (a few KB a token); past it the handler forgets
    // what has expired, or everything, and validates in full again.
    internal const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);

        // The library checks a token's lifetime on the system clock, whatever the application's TimeProvider.
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        if (token is not null && _validated.TryGetValue(token, out var known))
        {
            if (now < known.Token.ValidTo)
            {
                // A fresh identity per request: the principal built on it is the request's own.
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = known.Token,
                    ClaimsIdentity = known.Identity.Clone(),
                    Issuer = known.Token.Issuer,
                    TokenType = known.Token.Typ,
                };
            }

            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (token is not null && result.IsValid && result.SecurityToken is JsonWebToken validated && now < validated.ValidTo)
        {
            // The token computes these on first read; read once here, before other requests share it, they are
            // only ever read afterwards.
            _ = (validated.ValidFrom, validated.IssuedAt, validated.Issuer, validated.Typ, validated.Audiences.Count());
            Remember(token, new Validated(validated, result.ClaimsIdentity.Clone()), now);
        }

        return result;
    }

    private void Remember(string token, Validated validated, DateTime now)
    {
        if (_validated.Count >= Capacity)
        {
            foreach (var (key, entry) in _validated)
            {
                if (entry.Token.ValidTo <= now)
                {
                    _validated.TryRemove(key, out _);
                }
            }

            if (_validated.Count >= Capacity)
            {
                _validated.Clear();
            }
        }

        _validated[token] = validated;
    }

    private sealed record Validated(JsonWebToken Token, ClaimsIdentity Identity);
}
