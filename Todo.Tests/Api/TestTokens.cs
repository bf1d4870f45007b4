using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Tests.Api;

/// <summary>Mints JWTs the way an attacker or a misconfigured issuer might: any claims, key, algorithm or lifetime.</summary>
public static class TestTokens
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Create(
        string? subject,
        string? sessionId = null,
        string key = TodoApplication.SigningKey,
        string algorithm = SecurityAlgorithms.HmacSha256,
        string issuer = TodoApplication.Issuer,
        string audience = TodoApplication.Audience,
        DateTime? issuedAt = null,
        DateTime? expires = null,
        DateTime? notBefore = null,
        bool withSignature = true,
        bool withExpiry = true,
        bool withIssuedAt = true,
        IDictionary<string, object>? headers = null)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Email] = "someone@example.com",
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (subject is not null)
        {
            claims[JwtRegisteredClaimNames.Sub] = subject;
        }

        if (sessionId is not null)
        {
            claims[JwtRegisteredClaimNames.Sid] = sessionId;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = withIssuedAt ? now : null,
            NotBefore = notBefore ?? now,

            // Well inside any access-token lifetime the API can be configured with.
            Expires = withExpiry ? expires ?? now.AddMinutes(10) : null,
            Claims = claims,
            AdditionalHeaderClaims = headers,
            SigningCredentials = withSignature
                ? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm)
                : null,
        };
        return Handler.CreateToken(descriptor);
    }

    /// <summary>
    /// The token with its header and payload JSON changed as the callback likes (and the payload's text as
    /// <paramref name="rewritePayload"/> likes, for what no JSON object holds, such as a name given twice), signed again
    /// with the API's key: what someone holding the key could write, byte for byte, that no token library would.
    /// </summary>
    public static string Resign(
        string token, Action<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject> change, Func<string, string>? rewritePayload = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(change);
        var parts = token.Split('.');
        var header = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(header, payload);
        var payloadJson = rewritePayload is null ? payload.ToJsonString() : rewritePayload(payload.ToJsonString());
        var signed = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payloadJson);
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(TodoApplication.SigningKey));
        return signed + "." + Base64UrlEncoder.Encode(hmac.ComputeHash(Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>Replaces one claim in the payload of a signed token and keeps the original signature.</summary>
    public static string TamperPayload(string token, string claim, object value)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload[claim] = System.Text.Json.Nodes.JsonValue.Create(value);
        parts[1] = Base64UrlEncoder.Encode(payload.ToJsonString());
        return string.Join('.', parts);
    }
}
