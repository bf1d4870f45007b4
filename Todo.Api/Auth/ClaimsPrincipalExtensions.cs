using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Todo.Api.Auth;

public static class ClaimsPrincipalExtensions
{
    public static int? FindUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        return int.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }

    /// <summary>The signed-in user's id; only for endpoints behind [Authorize], where the token was already checked.</summary>
    public static int GetUserId(this ClaimsPrincipal principal) =>
        principal.FindUserId() ?? throw new InvalidOperationException("The principal carries no user id.");
}
