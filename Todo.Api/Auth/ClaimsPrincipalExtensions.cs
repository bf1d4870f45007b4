using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Todo.Api.Infrastructure;

namespace Todo.Api.Auth;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user id in <c>sub</c>, written the one canonical way (<c>"0001"</c> is no user).</summary>
    public static int? FindUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return CanonicalNumber.TryParsePositive(principal.FindFirst(JwtRegisteredClaimNames.Sub)?.Value);
    }

    /// <summary>The session in <c>sid</c>, written the one way the API writes it (lower-case "D" format).</summary>
    public static Guid? FindSessionId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirst(JwtRegisteredClaimNames.Sid)?.Value is { } value
            && !value.AsSpan().ContainsAnyInRange('A', 'Z')
            && Guid.TryParseExact(value, "D", out var id)
                ? id
                : null;
    }

    /// <summary>The signed-in session; only for endpoints behind [Authorize].</summary>
    public static Guid GetSessionId(this ClaimsPrincipal principal) =>
        principal.FindSessionId() ?? throw new InvalidOperationException("The principal carries no session id.");

    /// <summary>The signed-in user's id; only for endpoints behind [Authorize], where the token was already checked.</summary>
    public static int GetUserId(this ClaimsPrincipal principal) =>
        principal.FindUserId() ?? throw new InvalidOperationException("The principal carries no user id.");
}
