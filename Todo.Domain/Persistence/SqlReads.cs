using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Todo.Domain.Persistence;

/// <summary>
/// Reads written in SQL, for the look-ups that every request or every login makes. They run as EF Core runs
/// <c>ExecuteSql</c>: its raw-SQL command, so the provider's own parameter mappings (a Guid is upper-case TEXT on
/// SQLite and a uuid on PostgreSQL, as the model stores it), the context's connection and transaction, its
/// interceptors, logging and tracing. What they skip is the LINQ query pipeline: nothing is translated, and no shaper
/// is compiled, neither at a process's first query (≈ 100 ms of a cold start) nor as a new delegate on every call.
/// </summary>
/// <remarks>
/// The SQL names tables and columns a second time, beside the model; the repository tests read through these and
/// write through EF Core on both providers, so the two cannot drift apart unnoticed. Changes are not made here:
/// what is read this way is not tracked.
/// </remarks>
internal static class SqlReads
{
    /// <summary>Runs <paramref name="sql"/> (<c>{0}</c>, <c>{1}</c>… for the parameters) and maps every row.</summary>
    public static async Task<List<T>> ReadAsync<T>(
        this TodoDbContext db, string sql, object[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var dependencies = (IRelationalDatabaseFacadeDependencies)((IDatabaseFacadeDependenciesAccessor)db.Database).Dependencies;
        var command = dependencies.RawSqlCommandBuilder.Build(sql, parameters, db.Model);
        await using var reader = await command.RelationalCommand.ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                dependencies.RelationalConnection, command.ParameterValues, null, db, dependencies.CommandLogger, CommandSource.FromSqlQuery),
            cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader.DbDataReader));
        }

        return rows;
    }

    /// <summary>A stored time: UTC, as <see cref="UtcDateTimeConverter"/> reads it for the model.</summary>
    public static DateTime GetUtcDateTime(this DbDataReader reader, int ordinal) =>
        DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
}
