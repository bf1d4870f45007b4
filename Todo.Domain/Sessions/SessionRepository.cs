using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Sessions;

/// <summary>
/// Sessions and their refresh tokens. Ending a session deletes it; its tokens go with it (cascade). Every deletion of
/// sessions that may still be live is announced to <see cref="LiveSessions"/> once it is committed.
/// </summary>
public sealed class SessionRepository(TodoDbContext db, LiveSessions live) : Repository<Session>(db)
{
    private DbSet<RefreshToken> Tokens => Db.Set<RefreshToken>();

    /// <summary>
    /// The expiry of the user's session, null when there is no such session: one primary-key look-up, in SQL
    /// (<see cref="RawSql"/>) because every authenticated request that <see cref="LiveSessions"/> cannot answer runs it.
    /// </summary>
    public async Task<DateTime?> FindExpiryAsync(Guid id, int userId, CancellationToken cancellationToken)
    {
        var rows = await Db.QueryAsync(
            """SELECT "ExpiresAt" FROM "Sessions" WHERE "Id" = {0} AND "UserId" = {1}""",
            [id, userId],
            static row => row.GetUtcDateTime(0),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<Session?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Entities.AsNoTracking().SingleOrDefaultAsync(session => session.Id == id, cancellationToken);

    /// <summary>
    /// Stores a new session with its first refresh token, in one transaction. Plain INSERTs rather than the change
    /// tracker: nothing reads these objects back through the context, and a login is often a process's first write,
    /// whose <c>SaveChanges</c> would first build EF Core's whole update pipeline (≈ 80 ms of a cold start). The
    /// parameters take the provider's default mappings, which store what the model's would (the tests read the
    /// rows back through EF Core on both providers).
    /// </summary>
    public async Task InsertAsync(Session session, RefreshToken token, CancellationToken cancellationToken)
    {
        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
        await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "Sessions" ("Id", "UserId", "CreatedAt", "ExpiresAt")
            VALUES ({session.Id}, {session.UserId}, {session.CreatedAt}, {session.ExpiresAt})
            """,
            cancellationToken);
        await InsertTokenAsync(token, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<RefreshToken?> FindTokenAsync(byte[] hash, CancellationToken cancellationToken) =>
        Tokens.AsNoTracking().SingleOrDefaultAsync(token => token.Hash == hash, cancellationToken);

    /// <summary>
    /// Spends <paramref name="spent"/> and stores <paramref name="next"/> in one transaction. The spend is a
    /// conditional update, so of two rotations of one token exactly one succeeds, on every provider and instance:
    /// false means someone else spent it first.
    /// </summary>
    public async Task<bool> TryRotateAsync(RefreshToken spent, RefreshToken next, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spent);

        await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
        var hash = spent.Hash;
        var updated = await Tokens
            .Where(token => token.Hash == hash && token.SpentAt == null)
            .ExecuteUpdateAsync(token => token.SetProperty(t => t.SpentAt, now), cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        await InsertTokenAsync(next, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Forgets spent tokens older than <paramref name="generation"/> (reuse of those reads as unknown).</summary>
    public Task ForgetTokensBeforeAsync(Guid sessionId, int generation, CancellationToken cancellationToken) =>
        Tokens.Where(token => token.SessionId == sessionId && token.Generation < generation).ExecuteDeleteAsync(cancellationToken);

    public Task EndAsync(Guid id, CancellationToken cancellationToken) =>
        live.ForgetAfterAsync(Entities.Where(session => session.Id == id).ExecuteDeleteAsync(cancellationToken));

    public Task EndAllAsync(int userId, CancellationToken cancellationToken) =>
        live.ForgetAfterAsync(Entities.Where(session => session.UserId == userId).ExecuteDeleteAsync(cancellationToken));

    public Task<int> DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken) =>
        Db.Database.ExecuteSqlAsync($"""DELETE FROM "Sessions" WHERE "ExpiresAt" <= {now}""", cancellationToken);

    private Task<int> InsertTokenAsync(RefreshToken token, CancellationToken cancellationToken) => Db.Database.ExecuteSqlAsync(
        $"""
        INSERT INTO "RefreshTokens" ("Hash", "SessionId", "Generation", "CreatedAt")
        VALUES ({token.Hash}, {token.SessionId}, {token.Generation}, {token.CreatedAt})
        """,
        cancellationToken);
}
