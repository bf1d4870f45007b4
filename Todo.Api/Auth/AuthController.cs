using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Todo.Api.Infrastructure;

namespace Todo.Api.Auth;

[ApiController]
[Route("auth")]
[Consumes("application/json")]
public sealed class AuthController(AccountService accounts) : ControllerBase
{
    [HttpPost("signup", Name = "signup")]
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
    [EndpointSummary("Log in")]
    [EndpointDescription("Exchanges an email and password for a bearer access token. Repeated failures for one email or client are throttled with 429 and Retry-After, the right password included.")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)] // a bearer token must not sit in any cache (RFC 6749 §5.1)
    [ProducesResponseType<AccessTokenResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<IActionResult> Login(LoginRequest request, CancellationToken cancellationToken)
    {
        var clientAddress = HttpContext.Connection.RemoteIpAddress?.ToString();
        var result = await accounts.LoginAsync(request.Email!, request.Password!, clientAddress, cancellationToken);
        switch (result)
        {
            case LoginResult.Succeeded(var token):
                return Ok(new AccessTokenResponse(token.Value, "Bearer", token.ExpiresInSeconds));
            case LoginResult.Throttled(var retryAfter):
                Response.Headers[HeaderNames.RetryAfter] = ApiExceptionHandler.RetryAfterSeconds(retryAfter);
                return Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many failed logins.",
                    detail: "Too many failed logins for this account or client. Try again after the time in Retry-After.");
            default:
                return Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Invalid email or password.");
        }
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
        return user is null ? Unauthorized() : new UserResponse(user.Id, user.Email);
    }
}
