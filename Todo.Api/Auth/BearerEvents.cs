using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;
using Todo.Api.Infrastructure;
using Todo.Domain.Sessions;

namespace Todo.Api.Auth;

/// <summary>What the bearer handler does beyond checking the signature: 401/403 as problem details.</summary>
internal static class BearerEvents
{
    /// <summary>
    /// What a well-signed, unexpired token must also be, beyond how it is written (which the scheme's handler checks
    /// once per token, <see cref="RememberingJsonWebTokenHandler"/>): issued no later than now, living no longer than
    /// we issue tokens for (a leaked key cannot mint ten-year tokens), and of a session that is still live for that
    /// user (canonical id). The session check is the one database read per request: ending a session deletes it, and
    /// deleting a user deletes their sessions.
    /// </summary>
    public static async Task ValidateBeyondSignatureAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            context.Fail("The token is not a JSON web token.");
            return;
        }

        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var lifetime = context.HttpContext.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.AccessTokenLifetime;
        var skew = JwtBearerConfigurator.ClockSkew;
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _)
            || token.IssuedAt > now + skew
            || token.ValidTo - token.IssuedAt > lifetime + skew)
        {
            context.Fail("The token's issue time is missing, in the future, or too long before its expiry.");
            return;
        }

        var userId = context.Principal?.FindUserId();
        var sessionId = context.Principal?.FindSessionId();
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionService>();
        if (userId is not int user || sessionId is not Guid session
            || !await sessions.IsActiveAsync(session, user, context.HttpContext.RequestAborted))
        {
            context.Fail("The token's session has ended or its subject is not a known user.");
        }
    }

    public static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var tokenWasBad = context.AuthenticateFailure is not null;
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, tokenWasBad ? "Bearer error=\"invalid_token\"" : "Bearer");
        return ProblemResponses.WriteAsync(
            context.HttpContext,
            StatusCodes.Status401Unauthorized,
            "Unauthorized.",
            tokenWasBad ? "The bearer access token is missing, expired or invalid." : "A bearer access token is required.");
    }

    public static Task WriteForbiddenAsync(ForbiddenContext context) =>
        ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden.", null);
}
