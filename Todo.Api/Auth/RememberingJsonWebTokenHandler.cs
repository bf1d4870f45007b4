using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Api.Auth;

/// <summary>
/// The bearer scheme's token handler, remembering the access tokens it has found valid: a client sends the same token
/// with every request for its whole lifetime, and parsing it, checking its signature and claims and building its
/// identity again each time was about 5 µs and 7 KB per request (≈ 7 % of a list's CPU, docs/PERFORMANCE.md). It
/// also refuses a well-signed token that is not written as the API writes its tokens (<see cref="IsWrittenAsWeIssue"/>),
/// once, when it first sees it.
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

    // The claims the API writes and the JSON types they may have. The last three are only checked when present: a
    // token the contract would accept may leave them out (RFC 7519 makes jti optional; the contract names no nbf). A
    // sub may be a number, as clients minting from the id in a response write it; it must still be the canonical id.
    private static readonly (string Name, JsonTokenType Type, JsonTokenType OrType)[] IssuedClaims =
    [
        (JwtRegisteredClaimNames.Sub, JsonTokenType.String, JsonTokenType.Number),
        (JwtRegisteredClaimNames.Sid, JsonTokenType.String, JsonTokenType.String),
        (JwtRegisteredClaimNames.Exp, JsonTokenType.Number, JsonTokenType.Number),
        (JwtRegisteredClaimNames.Iat, JsonTokenType.Number, JsonTokenType.Number),
        (JwtRegisteredClaimNames.Nbf, JsonTokenType.Number, JsonTokenType.Number),
        (JwtRegisteredClaimNames.Jti, JsonTokenType.String, JsonTokenType.String),
        (JwtRegisteredClaimNames.Email, JsonTokenType.String, JsonTokenType.String),
    ];

    private const int RequiredClaims = 0b1111;

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
        if (result.IsValid && result.SecurityToken is JsonWebToken parsed && !IsWrittenAsWeIssue(parsed))
        {
            return new TokenValidationResult
            {
                IsValid = false,
                Exception = new SecurityTokenValidationException("The token is not written as the API writes its tokens (a crit or another typ, or a claim missing, repeated or of the wrong JSON type)."),
            };
        }

        if (token is not null && result.IsValid && result.SecurityToken is JsonWebToken validated && now < validated.ValidTo)
        {
            // The token computes these on first read; read once here, before other requests share it, they are
            // only ever read afterwards.
            _ = (validated.ValidFrom, validated.IssuedAt, validated.Issuer, validated.Typ, validated.Audiences.Count());
            Remember(token, new Validated(validated, result.ClaimsIdentity.Clone()), now);
        }

        return result;
    }

    /// <summary>
    /// Written as the API writes its tokens: no <c>crit</c> header, whose extensions we would have to understand
    /// (RFC 7515 §4.1.11), a <c>typ</c>, if any, of JWT (RFC 8725 §3.11: no other kind of token passes for an access
    /// token), <c>sub</c>, <c>sid</c>, <c>exp</c> and <c>iat</c> present, and each claim the API
    /// writes there at most once and of its JSON type (RFC 7519 §2, §4.1): the dates numbers, the others strings (a
    /// sub a number too). The library reads the registered claims leniently (<c>"exp": "1796657296"</c> as a date),
    /// so the payload's own JSON is read for their types.
    /// </summary>
    private static bool IsWrittenAsWeIssue(JsonWebToken token)
    {
        if (token.TryGetHeaderValue<object>("crit", out _)
            || (token.Typ is { Length: > 0 } type && !string.Equals(type, JwtConstants.HeaderType, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        try
        {
            return HasEachIssuedClaimOnce(new Utf8JsonReader(Base64UrlEncoder.DecodeBytes(token.EncodedPayload)));
        }
        catch (JsonException)
        {
            // Nested deeper than the reader goes: the API writes no nesting at all.
            return false;
        }
    }

    private static bool HasEachIssuedClaimOnce(Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var claim = IssuedClaims.Length - 1;
            while (claim >= 0 && !reader.ValueTextEquals(IssuedClaims[claim].Name))
            {
                claim--;
            }

            reader.Read();
            if (claim >= 0)
            {
                if ((seen & (1 << claim)) != 0 || (reader.TokenType != IssuedClaims[claim].Type && reader.TokenType != IssuedClaims[claim].OrType))
                {
                    return false;
                }

                seen |= 1 << claim;
            }

            reader.Skip();
        }

        return (seen & RequiredClaims) == RequiredClaims;
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
