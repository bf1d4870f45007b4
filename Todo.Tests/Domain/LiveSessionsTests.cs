using Microsoft.EntityFrameworkCore;
using Todo.Domain.Sessions;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>The memory of live sessions behind the per-request check, over a real SQLite file.</summary>
public sealed class LiveSessionsTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private readonly TempSqliteDatabase _database = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_session_read_live_is_answered_from_memory_until_any_session_of_anyone_ends()
    {
        var live = new LiveSessions(enabled: true);
        var (alice, bob) = await CreateUsersAsync();
        var aliceSession = await StartAsync(live, alice);
        var bobSession = await StartAsync(live, bob);
        Assert.True(await IsActiveAsync(live, aliceSession, alice));

        // Deleted behind the process's back (which a single-writer database never sees): still answered from memory,
        // which shows the second check did not read.
        await DeleteRowAsync(aliceSession);
        Assert.True(await IsActiveAsync(live, aliceSession, alice));

        // Any end of a session through the repositories forgets everything remembered; the next check reads.
        await using (var db = _database.CreateContext())
        {
            await new SessionService(new SessionRepository(db, live), live, _time).EndAsync(bobSession, CancellationToken.None);
        }

        Assert.False(await IsActiveAsync(live, aliceSession, alice));
        Assert.False(await IsActiveAsync(live, bobSession, bob));
    }

    [Fact]
    public async Task A_password_change_or_an_account_deletion_forgets_the_sessions_seen_live()
    {
        var live = new LiveSessions(enabled: true);
        var (alice, bob) = await CreateUsersAsync();
        var aliceSession = await StartAsync(live, alice);
        var bobSession = await StartAsync(live, bob);
        Assert.True(await IsActiveAsync(live, aliceSession, alice));
        Assert.True(await IsActiveAsync(live, bobSession, bob));

        await using (var db = _database.CreateContext())
        {
            await new UserRepository(db, live).ChangePasswordAsync(alice, "new hash", CancellationToken.None);
        }

        Assert.False(await IsActiveAsync(live, aliceSession, alice));
        Assert.True(await IsActiveAsync(live, bobSession, bob));

        await using (var db = _database.CreateContext())
        {
            await new UserRepository(db, live).DeleteAsync(bob, CancellationToken.None);
        }

        Assert.False(await IsActiveAsync(live, bobSession, bob));
    }

    [Fact]
    public async Task A_remembered_session_is_not_live_for_another_user_nor_past_its_expiry()
    {
        var live = new LiveSessions(enabled: true);
        var (alice, bob) = await CreateUsersAsync();
        var session = await StartAsync(live, alice);
        Assert.True(await IsActiveAsync(live, session, alice));

        Assert.False(await IsActiveAsync(live, session, bob));
        _time.Advance(Lifetime);
        Assert.False(await IsActiveAsync(live, session, alice));
    }

    [Fact]
    public async Task When_off_every_check_reads_the_database()
    {
        var live = new LiveSessions(enabled: false);
        var (alice, _) = await CreateUsersAsync();
        var session = await StartAsync(live, alice);
        Assert.True(await IsActiveAsync(live, session, alice));

        await DeleteRowAsync(session);
        Assert.False(await IsActiveAsync(live, session, alice));
    }

    [Fact]
    public async Task A_check_that_began_reading_before_an_end_does_not_remember_what_it_read()
    {
        var live = new LiveSessions(enabled: true);
        var id = Guid.NewGuid();
        var now = _time.GetUtcNow().UtcDateTime;

        var before = live.Generation;
        await live.ForgetAfterAsync(Task.CompletedTask);
        live.Remember(id, 1, now + Lifetime, before);
        Assert.False(live.IsLive(id, 1, now));

        live.Remember(id, 1, now + Lifetime, live.Generation);
        Assert.True(live.IsLive(id, 1, now));
    }

    private async Task<bool> IsActiveAsync(LiveSessions live, Guid session, int user)
    {
        await using var db = _database.CreateContext();
        return await new SessionService(new SessionRepository(db, live), live, _time).IsActiveAsync(session, user, CancellationToken.None);
    }

    private async Task<Guid> StartAsync(LiveSessions live, int user)
    {
        await using var db = _database.CreateContext();
        var issued = await new SessionService(new SessionRepository(db, live), live, _time).StartAsync(user, Lifetime, CancellationToken.None);
        return issued.Session.Id;
    }

    private async Task DeleteRowAsync(Guid session)
    {
        await using var db = _database.CreateContext();
        Assert.Equal(1, await db.Sessions.Where(s => s.Id == session).ExecuteDeleteAsync());
    }

    private async Task<(int Alice, int Bob)> CreateUsersAsync()
    {
        await using var db = await _database.CreateMigratedContextAsync();
        var now = _time.GetUtcNow().UtcDateTime;
        var alice = new User("alice@example.com", "hash", now);
        var bob = new User("bob@example.com", "hash", now);
        db.Users.AddRange(alice, bob);
        await db.SaveChangesAsync();
        return (alice.Id, bob.Id);
    }
}
