using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Todo.Domain.Persistence;

/// <summary>
/// Statements written in SQL whose rows are read by hand, for what every request or every login does: the reads that
/// answer requests, and a todo's <c>INSERT … RETURNING</c>. They run as EF Core runs <c>ExecuteSql</c>: its raw-SQL
/// command, so the provider's own parameter mappings (a Guid is upper-case TEXT on SQLite and a uuid on PostgreSQL,
/// as the model stores it), the context's connection and transaction, its interceptors (the SQLite write gate),
/// logging and tracing. What they skip is the LINQ query pipeline and the change tracker: nothing is translated, no
/// shaper is compiled, neither at a process's first query (≈ 100 ms of a cold start) nor as a new delegate on every
/// call, and nothing is tracked.
/// </summary>
/// <remarks>
/// The SQL names tables and columns a second time, beside the model. The tests write through one and read through
/// the other on both providers, so the two cannot drift apart unnoticed.
/// </remarks>
internal static class RawSql
{
    /// <summary>Runs <paramref name="sql"/> (<c>{0}</c>, <c>{1}</c>… for the parameters) and maps every row it returns.</summary>
    public static async Task<List<T>> QueryAsync<T>(
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
