using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Todo.Api.Auth;

[ApiController]
[Route("auth")]
public sealed class AuthController(AccountService accounts) : ControllerBase
{
    private string? ClientAddress => HttpContext.Connection.RemoteIpAddress?.ToString();

    [HttpPost("signup", Name = "signup")]
    [Consumes("application/json")]
    [EndpointSummary("Register an account")]
    [EndpointDescription("Creates an account for a new email address. The email is trimmed and compared case-insensitively; the password is stored only as a BCrypt hash.")]
    [ProducesResponseType<UserResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<UserResponse>> SignUp(SignupRequest request, CancellationToken cancellationToken)
    {
        var user = await accounts.SignUpAsync(request.Email!, request.Password!, cancellationToken);
        return Created(Url.Action(nameof(Me)), new UserResponse(user.Id, user.Email));
    }

    [HttpPost("login", Name = "login")]
    [Consumes("application/json")]
    [EndpointSummary("Log in")]
    [EndpointDescription("Starts a session: exchanges an email and password for a short-lived bearer access token and a refresh token. Repeated failures for one email or client are throttled with 429 and Retry-After, the right password included.")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)] // a bearer token must not sit in any cache (RFC 6749 §5.1)
    [ProducesResponseType<AccessTokenResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<AccessTokenResponse> Login(LoginRequest request, CancellationToken cancellationToken) =>
        await accounts.LoginAsync(request.Email!, request.Password!, ClientAddress, cancellationToken);

    [HttpPost("refresh", Name = "refresh")]
    [Consumes("application/json")]
    [EndpointSummary("Refresh the tokens")]
    [EndpointDescription("Spends a refresh token for a new access token and a new refresh token of the same session. A refresh token works once: presenting a spent one again ends the whole session.")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    [ProducesResponseType<AccessTokenResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<AccessTokenResponse> Refresh(RefreshRequest request, CancellationToken cancellationToken) =>
        await accounts.RefreshAsync(request.RefreshToken!, cancellationToken);

    [Authorize]
    [HttpPost("logout", Name = "logout")]
    [EndpointSummary("Log out")]
    [EndpointDescription("Ends the session of the bearer access token: its access and refresh tokens stop working at once.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<NoContentResult> Logout(CancellationToken cancellationToken)
    {
        await accounts.LogoutAsync(User.GetSessionId(), cancellationToken);
        return NoContent();
    }

    [Authorize]
    [HttpPost("logout-all", Name = "logoutAll")]
    [EndpointSummary("Log out everywhere")]
    [EndpointDescription("Ends every session of the signed-in user, on every device, this one included.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<NoContentResult> LogoutEverywhere(CancellationToken cancellationToken)
    {
        await accounts.LogoutEverywhereAsync(User.GetUserId(), cancellationToken);
        return NoContent();
    }

    [Authorize]
    [HttpGet("me", Name = "getMe")]
    [EndpointSummary("The signed-in user")]
    [EndpointDescription("The account the bearer access token belongs to.")]
    [HttpHead("me")]
    [ProducesResponseType<UserResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public async Task<ActionResult<UserResponse>> Me(CancellationToken cancellationToken)
    {
        var user = await accounts.FindAsync(User.GetUserId(), cancellationToken);
        return user is null ? Challenge() : new UserResponse(user.Id, user.Email);
    }

    [Authorize]
    [HttpPut("password", Name = "changePassword")]
    [Consumes("application/json")]
    [EndpointSummary("Change the password")]
    [EndpointDescription("Replaces the password after checking the current one, and ends every session of the user, this one included: log in again with the new password. A wrong current password counts as a failed login.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<NoContentResult> ChangePassword(ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        await accounts.ChangePasswordAsync(User.GetUserId(), request.CurrentPassword!, request.NewPassword!, ClientAddress, cancellationToken);
        return NoContent();
    }

    [Authorize]
    [HttpDelete("me", Name = "deleteAccount")]
    [Consumes("application/json")]
    [EndpointSummary("Delete the account")]
    [EndpointDescription("Deletes the signed-in user with all their todos and sessions, after checking the password; the email can be registered again. A wrong password counts as a failed login.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<NoContentResult> DeleteAccount(DeleteAccountRequest request, CancellationToken cancellationToken)
    {
        await accounts.DeleteAccountAsync(User.GetUserId(), request.Password!, ClientAddress, cancellationToken);
        return NoContent();
    }
}
