using Todo.Api.Telemetry;
using Todo.Domain.Persistence;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>Signup and login: hashing, the failed-login throttle and token issuing around the user repository.</summary>
public sealed class AccountService(
    UserRepository users,
    PasswordHasher hasher,
    AccessTokenIssuer tokens,
    ILoginThrottle throttle,
    TodoApiMetrics metrics,
    TimeProvider time)
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

    /// <exception cref="PasswordHashingSaturatedException">No hashing slot came free in time.</exception>
    public async Task<LoginResult> LoginAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
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
                return user is not null && verified
                    ? new LoginResult.Succeeded(tokens.Issue(user))
                    : new LoginResult.InvalidCredentials();
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
        return result;
    }

    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => users.FindAsync(id, cancellationToken);
}
