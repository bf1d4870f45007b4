using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Todo.Domain.Persistence;

namespace Todo.Domain.Sessions;

/// <summary>
/// The session rules: a login starts a session with a refresh token; a refresh spends the token and hands out the
/// next one of the same session (rotation); a spent token presented again ends the whole session (reuse detection,
/// RFC 9700 §4.14.2); a session never outlives its absolute expiry.
/// </summary>
public sealed class SessionService(SessionRepository sessions, LiveSessions live, TimeProvider time)
{
    /// <summary>256 random bits, the contract's floor.</summary>
    private const int TokenBytes = 32;

    /// <summary>How many spent tokens a session remembers for reuse detection; older ones read as unknown.</summary>
    private const int RememberedGenerations = 100;

    /// <summary>Starts a session; expired sessions of anyone are deleted on the way, so the table does not grow without bound.</summary>
    public async Task<IssuedSession> StartAsync(int userId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = StoredTime.UtcNow(time);
        await sessions.DeleteExpiredAsync(now, cancellationToken);

        var session = new Session(userId, now, now + lifetime);
        var (token, hash) = NewToken();
        await sessions.InsertAsync(session, new RefreshToken(hash, session.Id, 1, now), cancellationToken);
        return new IssuedSession(session, token);
    }

    /// <summary>
    /// Spends a refresh token for the next one. An unknown, expired or spent token is refused; a spent one (including
    /// one that lost a race with a parallel refresh) also ends its session.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);

        var now = StoredTime.UtcNow(time);
        var presented = await sessions.FindTokenAsync(Hash(refreshToken), cancellationToken);
        var session = presented is null ? null : await sessions.FindAsync(presented.SessionId, cancellationToken);
        if (presented is null || session is null)
        {
            return new RefreshOutcome.Refused(null);
        }

        if (session.ExpiresAt <= now)
        {
            await sessions.EndAsync(session.Id, cancellationToken);
            return new RefreshOutcome.Refused(null);
        }

        var (token, hash) = NewToken();
        var next = new RefreshToken(hash, session.Id, presented.Generation + 1, now);
        if (presented.SpentAt is not null || !await sessions.TryRotateAsync(presented, next, now, cancellationToken))
        {
            await sessions.EndAsync(session.Id, cancellationToken);
            return new RefreshOutcome.Refused(session);
        }

        if (next.Generation % RememberedGenerations == 0)
        {
            await sessions.ForgetTokensBeforeAsync(session.Id, next.Generation - RememberedGenerations, cancellationToken);
        }

        return new RefreshOutcome.Rotated(new IssuedSession(session, token));
    }

    /// <summary>Whether the user's session is live: the check behind every bearer token.</summary>
    public async Task<bool> IsActiveAsync(Guid id, int userId, CancellationToken cancellationToken)
    {
        var now = StoredTime.UtcNow(time);
        if (live.IsLive(id, userId, now))
        {
            return true;
        }

        var generation = live.Generation;
        if (await sessions.FindExpiryAsync(id, userId, cancellationToken) is not { } expiresAt || expiresAt <= now)
        {
            return false;
        }

        live.Remember(id, userId, expiresAt, generation);
        return true;
    }

    public Task EndAsync(Guid id, CancellationToken cancellationToken) => sessions.EndAsync(id, cancellationToken);

    public Task EndAllAsync(int userId, CancellationToken cancellationToken) => sessions.EndAllAsync(userId, cancellationToken);

    private static (string Token, byte[] Hash) NewToken()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        return (token, Hash(token));
    }

    /// <summary>A plain hash is enough: the token has 256 random bits, so there is nothing to stretch.</summary>
    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

/// <summary>A session and the refresh token just issued for it, the only time the token exists in clear.</summary>
public sealed record IssuedSession(Session Session, string RefreshToken);

/// <summary>How a refresh ends.</summary>
public abstract record RefreshOutcome
{
    private RefreshOutcome()
    {
    }

    public sealed record Rotated(IssuedSession Issued) : RefreshOutcome;

    /// <summary>Refused; <paramref name="EndedForReuse"/> names the session a spent token's reuse just ended.</summary>
    public sealed record Refused(Session? EndedForReuse) : RefreshOutcome;
}
