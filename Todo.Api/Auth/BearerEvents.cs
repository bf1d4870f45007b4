using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Net.Http.Headers;
using Todo.Api.Infrastructure;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>What the bearer handler does beyond checking the signature: 401/403 as problem details.</summary>
internal static class BearerEvents
{
    /// <summary>A well-signed token for an account that no longer exists is no better than a forged one.</summary>
    public static async Task RejectUnknownUserAsync(TokenValidatedContext context)
    {
        var userId = context.Principal?.FindUserId();
        var users = context.HttpContext.RequestServices.GetRequiredService<UserRepository>();
        if (userId is not int id || await users.FindAsync(id, context.HttpContext.RequestAborted) is null)
        {
            context.Fail("The token's subject is not a known user.");
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
