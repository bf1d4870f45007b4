using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Todo.Api.Infrastructure;

/// <summary>Where the data lives: an embedded SQLite file (one process) or a PostgreSQL server (any number of instances).</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The "Database" section, with <c>ConnectionStrings:Todo</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>The name under ConnectionStrings for either provider.</summary>
    public const string ConnectionStringName = "Todo";

    public const string ConnectionStringSetting = "ConnectionStrings:" + ConnectionStringName;

    public const string ProviderSetting = SectionName + ":" + nameof(Provider);

    /// <summary>Sqlite (the default) or Postgres, case-insensitive.</summary>
    public string? Provider { get; set; }

    /// <summary>Apply pending migrations once, before the server takes requests.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>SQLite: how long a write waits for another writer's lock before failing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// PostgreSQL: the most connections this instance opens (Npgsql's pool, default 100). Small on Lambda, where an
    /// execution environment serves one request at a time and the server's connection limit is shared by them all.
    /// </summary>
    [Range(1, 1000)]
    public int? MaxPoolSize { get; set; }

    /// <summary>
    /// SQLite on Lambda: a database file shipped in the package (relative to the application directory), copied at
    /// cold start into the writable temp directory and used instead of <c>ConnectionStrings:Todo</c>. Empty: none.
    /// </summary>
    public string? BundledSqliteFile { get; set; }

    /// <summary>The provider named by <see cref="Provider"/>, or a one-line reason why it cannot be used.</summary>
    public static DatabaseProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DatabaseProvider.Sqlite;
        }

        var name = value.Trim();
        return char.IsLetter(name[0]) && Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var provider)
            ? provider
            : throw Invalid($"{ProviderSetting} must be {DatabaseProvider.Sqlite} or {DatabaseProvider.Postgres}, not '{value}'.");
    }

    /// <summary>A setting that makes start-up impossible; Program prints its one line.</summary>
    internal static OptionsValidationException Invalid(string message) =>
        new(SectionName, typeof(DatabaseOptions), [message]);
}
