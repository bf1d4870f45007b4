using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
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

    public static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.Append(HeaderNames.WWWAuthenticate, context.AuthenticateFailure is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\"");
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized.", context.AuthenticateFailure is null
            ? "A bearer access token is required."
            : "The bearer access token is missing, expired or invalid.");
    }

    public static Task WriteForbiddenAsync(ForbiddenContext context) =>
        WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden.", null);

    private static async Task WriteProblemAsync(HttpContext httpContext, int status, string title, string? detail)
    {
        httpContext.Response.StatusCode = status;
        var problems = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
