using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Users;

/// <summary>
/// Failure windows shared by every instance on one database. Each change is one atomic upsert, so two instances
/// counting at once can neither lose a failure nor both take the last check a budget allows. The SQL is the
/// common subset of PostgreSQL and SQLite (<c>ON CONFLICT … DO UPDATE … WHERE</c>, <c>CASE</c>), and times
/// come from the caller's clock, never the server's.
/// </summary>
/// <remarks>A window is open while it has failures and began after <c>openSince</c> (now minus the window length).</remarks>
public sealed class LoginThrottleRepository(TodoDbContext db)
{
    public Task<LoginThrottleEntry?> FindAsync(string key, CancellationToken cancellationToken) =>
        db.LoginThrottle.AsNoTracking().SingleOrDefaultAsync(entry => entry.Key == key, cancellationToken);

    /// <summary>
    /// Takes room for one more check under <paramref name="key"/> if its open failures plus its live checks stay
    /// under <paramref name="limit"/>; the check then counts as in flight until <paramref name="leaseEnd"/>.
    /// </summary>
    /// <returns>True when the room was taken.</returns>
    public async Task<bool> TryReserveCheckAsync(
        string key, int limit, DateTime openSince, DateTime now, DateTime leaseEnd, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "LoginThrottle" ("Key", "WindowStart", "Failures", "InFlight", "InFlightUntil")
            VALUES ({key}, {now}, 0, 1, {leaseEnd})
            ON CONFLICT ("Key") DO UPDATE SET
                "InFlight" = (CASE WHEN "LoginThrottle"."InFlightUntil" > {now} THEN "LoginThrottle"."InFlight" ELSE 0 END) + 1,
                "InFlightUntil" = {leaseEnd}
            WHERE (CASE WHEN "LoginThrottle"."Failures" > 0 AND "LoginThrottle"."WindowStart" > {openSince} THEN "LoginThrottle"."Failures" ELSE 0 END)
                + (CASE WHEN "LoginThrottle"."InFlightUntil" > {now} THEN "LoginThrottle"."InFlight" ELSE 0 END) < {limit}
            """,
            cancellationToken) == 1;

    /// <summary>Counts a failure in the key's open window, or opens a new one; optionally gives back a reserved check.</summary>
    public Task CountFailureAsync(string key, bool releaseCheck, DateTime openSince, DateTime now, CancellationToken cancellationToken)
    {
        var release = releaseCheck ? 1 : 0;
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "LoginThrottle" ("Key", "WindowStart", "Failures", "InFlight", "InFlightUntil")
            VALUES ({key}, {now}, 1, 0, {now})
            ON CONFLICT ("Key") DO UPDATE SET
                "WindowStart" = CASE WHEN "LoginThrottle"."Failures" > 0 AND "LoginThrottle"."WindowStart" > {openSince} THEN "LoginThrottle"."WindowStart" ELSE {now} END,
                "Failures" = CASE WHEN "LoginThrottle"."Failures" > 0 AND "LoginThrottle"."WindowStart" > {openSince} THEN "LoginThrottle"."Failures" + 1 ELSE 1 END,
                "InFlight" = CASE WHEN "LoginThrottle"."InFlight" > {release} THEN "LoginThrottle"."InFlight" - {release} ELSE 0 END
            """,
            cancellationToken);
    }

    /// <summary>Gives back a check reserved by <see cref="TryReserveCheckAsync"/> that did not fail.</summary>
    public Task ReleaseCheckAsync(string key, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            UPDATE "LoginThrottle" SET "InFlight" = CASE WHEN "InFlight" > 1 THEN "InFlight" - 1 ELSE 0 END
            WHERE "Key" = {key}
            """,
            cancellationToken);

    /// <summary>Deletes the entries whose windows closed and whose checks ended, so the table does not grow without bound.</summary>
    public Task<int> PruneAsync(DateTime openSince, DateTime now, CancellationToken cancellationToken) =>
        db.LoginThrottle
            .Where(entry => entry.WindowStart <= openSince && entry.InFlightUntil <= now)
            .ExecuteDeleteAsync(cancellationToken);
}
