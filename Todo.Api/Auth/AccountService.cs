using Todo.Domain.Users;

namespace Todo.Api.Auth;

/// <summary>Signup and login: hashing, the failed-login throttle and token issuing around the user repository.</summary>
public sealed class AccountService(
    UserRepository users,
    PasswordHasher hasher,
    AccessTokenIssuer tokens,
    ILoginThrottle throttle,
    TimeProvider time)
{
    /// <exception cref="DuplicateEmailException">The address is already registered.</exception>
    public async Task<User> SignUpAsync(string email, string password, CancellationToken cancellationToken)
    {
        // Cheap check first so a taken address does not cost a hash; the unique index settles races.
        if (await users.FindByEmailAsync(email, cancellationToken) is not null)
        {
            throw new DuplicateEmailException();
        }

        var user = new User(email, hasher.Hash(password), time.GetUtcNow().UtcDateTime);
        users.Add(user);
        await users.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<LoginResult> LoginAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        var normalizedEmail = EmailAddress.Normalize(email);

        // The attempt counts as a failure from before the password check (and is taken back if it succeeds):
        // checking first and counting after the slow hash would let parallel guesses all pass the check.
        if (throttle.TryBeginAttempt(normalizedEmail, clientAddress) is TimeSpan wait)
        {
            return new LoginResult.Throttled(wait);
        }

        var user = await users.FindByEmailAsync(email, cancellationToken);
        var verified = user is null
            ? hasher.VerifyAgainstDummy(password)
            : hasher.Verify(password, user.PasswordHash);
        if (user is null || !verified)
        {
            return new LoginResult.InvalidCredentials();
        }

        throttle.RecordSuccess(normalizedEmail, clientAddress);
        return new LoginResult.Succeeded(tokens.Issue(user));
    }

    public ValueTask<User?> FindAsync(int id, CancellationToken cancellationToken) => users.FindAsync(id, cancellationToken);
}
