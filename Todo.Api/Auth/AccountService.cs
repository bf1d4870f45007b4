using Microsoft.Extensions.Options;
using Todo.Api.Telemetry;
using Todo.Domain.Persistence;
using Todo.Domain.Sessions;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>
/// The account use cases: signup, login and refresh (each ending in a session's token pair), logout, password change
/// and account deletion. Every password check runs through the bounded hasher and the failed-login throttle.
/// </summary>
/// <remarks>Failures are exceptions, turned into 401 / 429 / 503 by the one exception handler.</remarks>
public sealed partial class AccountService(
    UserRepository users,
    SessionService sessions,
    PasswordHasher hasher,
    AccessTokenIssuer tokens,
    ILoginThrottle throttle,
    IOptions<SessionOptions> sessionOptions,
    TodoApiMetrics metrics,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    /// <exception cref="DuplicateEmailException">The address is already registered.</exception>
    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task<User> SignUpAsync(string email, string password, CancellationToken cancellationToken)
    {
        // Cheap check first so a taken address does not cost a hash; the unique index settles races.
        if (await users.FindByEmailAsync(email, cancellationToken) is not null)
        {
            throw new DuplicateEmailException();
        }

        var user = new User(email, await hasher.HashAsync(password, cancellationToken), StoredTime.UtcNow(time));
        users.Add(user);
        await users.SaveChangesAsync(cancellationToken);
        metrics.SignedUp();
        return user;
    }

    /// <summary>Checks the password and starts a session.</summary>
    /// <exception cref="InvalidCredentialsException">Unknown email or wrong password.</exception>
    /// <exception cref="LoginThrottledException">Too many failures for the email or the client.</exception>
    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task<AccessTokenResponse> LoginAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        LoginResult result;
        try
        {
            result = await throttle.AttemptAsync(EmailAddress.Normalize(email), clientAddress, async token =>
            {
                var user = await users.FindByEmailAsync(email, token);

                // An unknown email costs one verification too, in the same queue, so neither time nor 503 tells them apart.
                var verified = user is null
                    ? await hasher.VerifyAgainstDummyAsync(password, token)
                    : await hasher.VerifyAsync(password, user.PasswordHash, token);
                return user is not null && verified ? new LoginResult.Succeeded(user) : new LoginResult.InvalidCredentials();
            }, cancellationToken);
        }
        catch (PasswordHashingSaturatedException)
        {
            // Counted here, where it is still a login; the exception handler turns it into the 503.
            metrics.LoggedIn(LoginOutcome.Saturated);
            throw;
        }

        metrics.LoggedIn(result switch
        {
            LoginResult.Succeeded => LoginOutcome.Success,
            LoginResult.Throttled => LoginOutcome.Throttled,
            _ => LoginOutcome.Failure,
        });
        var user = Passed(result, "Invalid email or password.");
        var issued = await sessions.StartAsync(user.Id, sessionOptions.Value.RefreshTokenLifetime, cancellationToken);
        return TokensFor(user, issued);
    }

    /// <summary>Spends a refresh token for a new pair of the same session.</summary>
    /// <exception cref="InvalidCredentialsException">Unknown, expired, spent or revoked refresh token.</exception>
    public async Task<AccessTokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        switch (await sessions.RefreshAsync(refreshToken, cancellationToken))
        {
            case RefreshOutcome.Rotated(var issued) when await users.FindAsync(issued.Session.UserId, cancellationToken) is { } user:
                return TokensFor(user, issued);
            case RefreshOutcome.Refused(Session ended):
                LogRefreshTokenReuse(logger, ended.Id, ended.UserId);
                break;
        }

        throw new InvalidCredentialsException("Invalid refresh token.");
    }

    public Task LogoutAsync(Guid sessionId, CancellationToken cancellationToken) => sessions.EndAsync(sessionId, cancellationToken);

    public Task LogoutEverywhereAsync(int userId, CancellationToken cancellationToken) => sessions.EndAllAsync(userId, cancellationToken);

    /// <summary>Replaces the password and ends every session of the user, this one included.</summary>
    /// <exception cref="InvalidCredentialsException">The current password is wrong (counted as a failed login).</exception>
    /// <exception cref="LoginThrottledException">Too many failures for the email or the client.</exception>
    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task ChangePasswordAsync(int userId, string currentPassword, string newPassword, string? clientAddress, CancellationToken cancellationToken)
    {
        var user = await VerifyAsync(userId, currentPassword, clientAddress, cancellationToken);
        await users.ChangePasswordAsync(user.Id, await hasher.HashAsync(newPassword, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes the user with all their todos and sessions; the email can sign up again.</summary>
    /// <exception cref="InvalidCredentialsException">The password is wrong (counted as a failed login).</exception>
    /// <exception cref="LoginThrottledException">Too many failures for the email or the client.</exception>
    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task DeleteAccountAsync(int userId, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        var user = await VerifyAsync(userId, password, clientAddress, cancellationToken);
        await users.DeleteAsync(user.Id, cancellationToken);
    }

    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => users.FindAsync(id, cancellationToken);

    /// <summary>The signed-in user's password, checked under the same throttle (same email key) as their logins.</summary>
    private async Task<User> VerifyAsync(int userId, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        const string Invalid = "Invalid password.";
        var user = await users.FindAsync(userId, cancellationToken) ?? throw new InvalidCredentialsException(Invalid);
        var result = await throttle.AttemptAsync(user.NormalizedEmail, clientAddress, async token =>
            await hasher.VerifyAsync(password, user.PasswordHash, token)
                ? new LoginResult.Succeeded(user)
                : new LoginResult.InvalidCredentials(), cancellationToken);
        return Passed(result, Invalid);
    }

    /// <param name="result">The throttled check's result.</param>
    /// <param name="invalidTitle">The 401's title: what the client got wrong, in the words of its request.</param>
    private static User Passed(LoginResult result, string invalidTitle) => result switch
    {
        LoginResult.Succeeded(var user) => user,
        LoginResult.Throttled(var retryAfter) => throw new LoginThrottledException(retryAfter),
        _ => throw new InvalidCredentialsException(invalidTitle),
    };

    private AccessTokenResponse TokensFor(User user, IssuedSession issued)
    {
        var refreshExpiresIn = (int)(issued.Session.ExpiresAt - time.GetUtcNow().UtcDateTime).TotalSeconds;
        return new AccessTokenResponse(
            tokens.Issue(user, issued.Session.Id),
            "Bearer",
            tokens.LifetimeSeconds,
            issued.RefreshToken,
            Math.Max(0, refreshExpiresIn));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A spent refresh token was presented again: session {SessionId} of user {UserId} ended")]
    private static partial void LogRefreshTokenReuse(ILogger logger, Guid sessionId, int userId);
}
