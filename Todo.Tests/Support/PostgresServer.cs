using Npgsql;

namespace Todo.Tests.Support;

/// <summary>Marks a test class that needs the PostgreSQL server: its <see cref="DatabaseFactAttribute"/> tests are skipped without one.</summary>
public interface IRunsOnPostgres;

/// <summary>
/// The PostgreSQL server the tests use, named by the <see cref="Variable"/> environment variable (a connection string
/// with a user that may create databases; <c>.ci/run</c> and <c>build/postgres.sh</c> provide one). Every test
/// application gets a database of its own on it, dropped when the application is disposed.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "TODO_TEST_POSTGRES";

    public static string? ConnectionString { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>In CI a missing server is a failure, never a skip.</summary>
    public static bool IsRequired { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the PostgreSQL half of the suite does not run here, or null when it does.</summary>
    public static string? SkipReason { get; } = ConnectionString is null && !IsRequired
        ? $"PostgreSQL tests skipped: no server. Start one with `build/postgres.sh start` and export {Variable}=<the connection string it prints>."
        : null;

    /// <summary>A connection string for a database of this name on the server (the application creates it when it migrates).</summary>
    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(RequireServer()) { Database = database }.ConnectionString;

    public static string NewDatabaseName() => $"todo_test_{Guid.NewGuid():N}";

    public static async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the database, closing whatever connections the application's pool still holds to it.</summary>
    public static void DropDatabase(string database)
    {
        using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }

    private static string RequireServer() => ConnectionString ?? throw new InvalidOperationException(
        $"CI=true, so the PostgreSQL tests must run, but {Variable} is not set: .ci/run starts a server and exports it.");
}
