using System.Collections.Concurrent;

namespace Todo.Domain.Sessions;

/// <summary>
/// The sessions this process has seen live, so that the check behind every bearer token reads the database only for
/// a session it has not seen since the last end of any session. Only sound when this process is the database's one
/// writer (SQLite: one process, one file), for then every end of a session passes through it: the repositories that
/// delete sessions do it through <see cref="ForgetAfterAsync"/>. With a shared database (PostgreSQL,
/// several instances) another instance may end a session at any moment, so it is off and every check reads.
/// <para>
/// An end races with checks that read the session just before it was deleted. The generation settles that: a check
/// remembers what it read only if no end was announced since it began reading, and an end announced after the check
/// looked clears the whole cache after the entry went in. Either way the ended session is not remembered.
/// </para>
/// </summary>
public sealed class LiveSessions(bool enabled)
{
    /// <summary>Past this many, the cache starts again empty: it bounds memory, and a miss costs one read.</summary>
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _live = new();
    private long _generation;

    /// <summary>Read before the database is: what <see cref="Remember"/> compares with.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool IsLive(Guid id, int userId, DateTime now) =>
        enabled && _live.TryGetValue(id, out var entry) && entry.UserId == userId && entry.ExpiresAt > now;

    /// <summary>Remembers a session read live from the database, unless a session ended since <paramref name="generation"/>.</summary>
    public void Remember(Guid id, int userId, DateTime expiresAt, long generation)
    {
        if (!enabled)
        {
            return;
        }

        if (_live.Count >= Capacity)
        {
            _live.Clear();
        }

        _live[id] = new Entry(userId, expiresAt);
        if (Generation != generation)
        {
            _live.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Awaits a deletion of sessions, then forgets every session seen live: after the commit, and also when the
    /// deletion failed, for it may have committed before it failed.
    /// </summary>
    public async Task ForgetAfterAsync(Task deletion)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        try
        {
            await deletion;
        }
        finally
        {
            SessionsEnded();
        }
    }

    private void SessionsEnded()
    {
        Interlocked.Increment(ref _generation);
        _live.Clear();
    }

    private readonly record struct Entry(int UserId, DateTime ExpiresAt);
}
