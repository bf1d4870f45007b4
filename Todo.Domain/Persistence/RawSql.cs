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
    /// <remarks>
    /// SQLite has no date type: EF Core stores a time as text, <c>yyyy-MM-dd HH:mm:ss</c> and up to seven digits of
    /// fraction, and <c>Microsoft.Data.Sqlite</c> reads it back with the general <see cref="DateTime.Parse(string)"/>,
    /// about half the cost of materialising a page of todos. That one format is read here digit by digit; any other
    /// text, and any provider with a real date type, is read by the provider as before.
    /// </remarks>
    public static DateTime GetUtcDateTime(this DbDataReader reader, int ordinal) =>
        DateTime.SpecifyKind(
            reader.GetFieldType(ordinal) == typeof(string) && TryParseStoredText(reader.GetString(ordinal), out var time)
                ? time
                : reader.GetDateTime(ordinal),
            DateTimeKind.Utc);

    private static bool TryParseStoredText(ReadOnlySpan<char> text, out DateTime time)
    {
        time = default;
        if (text.Length is < 19 or 20 or > 27
            || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':'
            || (text.Length > 19 && text[19] != '.')
            || !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day)
            || !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var fractionTicks = 0;
        if (text.Length > 19)
        {
            var fraction = text[20..];
            if (!TryDigits(fraction, out fractionTicks))
            {
                return false;
            }

            for (var digits = fraction.Length; digits < 7; digits++)
            {
                fractionTicks *= 10;
            }
        }

        time = new DateTime(year, month, day, hour, minute, second).AddTicks(fractionTicks);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
