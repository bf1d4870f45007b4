namespace Todo.Domain.Sessions;

/// <summary>
/// One signed-in device, from a login until its absolute expiry. Ending a session (logout, a password change,
/// account deletion, refresh-token reuse) deletes it, so an access token naming it stops working at once.
/// </summary>
public sealed class Session
{
    private Session()
    {
    }

    public Session(int userId, DateTime createdAt, DateTime expiresAt)
    {
        Id = Guid.NewGuid();
        UserId = userId;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>Random, so that the <c>sid</c> in one token says nothing about any other session.</summary>
    public Guid Id { get; private set; }

    public int UserId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>Absolute: refreshing never moves it.</summary>
    public DateTime ExpiresAt { get; private set; }
}

/// <summary>
/// One refresh token of a session, known only by its SHA-256 hash. A spent token stays (for a while) so that
/// presenting it again is recognised as reuse rather than as an unknown token.
/// </summary>
public sealed class RefreshToken
{
    /// <summary>SHA-256.</summary>
    public const int HashBytes = 32;

    private RefreshToken()
    {
        Hash = [];
    }

    public RefreshToken(byte[] hash, Guid sessionId, int generation, DateTime createdAt)
    {
        Hash = hash;
        SessionId = sessionId;
        Generation = generation;
        CreatedAt = createdAt;
    }

    public byte[] Hash { get; private set; }

    public Guid SessionId { get; private set; }

    /// <summary>1 for the login's token, one more with every rotation.</summary>
    public int Generation { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? SpentAt { get; private set; }
}
