namespace Todo.Domain.Persistence;

/// <summary>
/// The current time as the database keeps it: UTC, to the microsecond (PostgreSQL's precision; SQLite keeps
/// more). An entity stamped with it answers the same before and after a round trip through either database.
/// </summary>
public static class StoredTime
{
    public static DateTime UtcNow(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }
}
