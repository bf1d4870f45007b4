using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Infrastructure;

/// <summary>The "Database" section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>The name under ConnectionStrings that points at the SQLite file.</summary>
    public const string ConnectionStringName = "Todo";

    /// <summary>Apply pending migrations once, before the server takes requests.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How long a write waits for another writer's lock before failing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
