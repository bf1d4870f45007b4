using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Todo.Domain.Persistence;

/// <summary>
/// Statements written in SQL whose rows are read by hand, for what every request or every login does: the reads that
/// answer requests, and a todo's <c>INSERT … RETURNING</c>. They run as EF Core runs <c>ExecuteSql</c>: its raw-SQL
/// command, so the provider's own parameter mappings (a Guid is upper-case TEXT on SQLite and a uuid on PostgreSQL,
/// as the model stores it), the context's connection and transaction, its interceptors (the SQLite write gate),
/// logging and tracing. What they skip is the LINQ query pipeline and the change tracker: nothing is translated, no
/// shaper is compiled, neither at a process's first query (≈ 100 ms of a cold start) nor as a new delegate on every
/// call, and nothing is tracked. Each statement's command is built once per model and run as EF Core runs its cached
/// queries.
/// </summary>
/// <remarks>
/// The SQL names tables and columns a second time, beside the model. The tests write through one and read through
/// the other on both providers, so the two cannot drift apart unnoticed.
/// </remarks>
internal static class RawSql
{
    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    // Per model, as CompiledQuery: one process can hold several (the tests run SQLite and PostgreSQL side by side).
    private static readonly ConditionalWeakTable<IModel, ModelStatements> Statements = [];

    /// <summary>Runs <paramref name="sql"/> (<c>{0}</c>, <c>{1}</c>… for the parameters) and maps every row it returns.</summary>
    public static async Task<List<T>> QueryAsync<T>(
        this TodoDbContext db, string sql, object[] parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var dependencies = (IRelationalDatabaseFacadeDependencies)((IDatabaseFacadeDependenciesAccessor)db.Database).Dependencies;
        var (template, parameterValues) = For(db).Build(sql, parameters, dependencies.RawSqlCommandBuilder, db.Model);

        // As EF Core runs its own cached queries: the template is shared, the command that runs it is the
        // connection's (a command keeps its reader for the next execution, so it serves one execution at a time).
        var connection = dependencies.RelationalConnection;
        var command = connection.RentCommand();
        command.PopulateFrom(template);
        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(
            new RelationalCommandParameterObject(connection, parameterValues, null, db, dependencies.CommandLogger, CommandSource.FromSqlQuery),
            cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader.DbDataReader));
            }
        }

        connection.ReturnCommand(command);
        return rows;
    }

    /// <summary>
    /// Whether <paramref name="db"/> runs on PostgreSQL, where a statement's SQL differs. Asked once per model: EF
    /// Core's <c>ProviderName</c> reads its provider assembly's name on every call (2 % of a create's allocations).
    /// </summary>
    public static bool IsPostgres(this TodoDbContext db) => For(db).IsPostgres;

    private static ModelStatements For(TodoDbContext db) => Statements.TryGetValue(db.Model, out var statements) ? statements : Add(db);

    // Apart from For: a lambda that captures db would be allocated on every call of the method that holds it.
    private static ModelStatements Add(TodoDbContext db) =>
        Statements.GetValue(db.Model, _ => new ModelStatements(db.Database.ProviderName == PostgresProvider));

    /// <summary>
    /// The statements of one model, each built once. EF Core's raw-SQL builder formats the SQL, looks up each
    /// parameter's type mapping and builds a new command on every call (a tenth of a create's allocations). What it
    /// builds is also a template (the text and the typed parameters, no values), which EF Core's own query cache
    /// shares between contexts and threads in the same way. A statement is built again when a parameter's type
    /// differs from the one it was built for.
    /// </summary>
    private sealed class ModelStatements(bool isPostgres)
    {
        private readonly ConcurrentDictionary<string, BuiltStatement> _built = new();

        public bool IsPostgres { get; } = isPostgres;

        public (IRelationalCommandTemplate Template, IReadOnlyDictionary<string, object?> ParameterValues) Build(
            string sql, object[] parameters, IRawSqlCommandBuilder builder, IModel model)
        {
            if (!_built.TryGetValue(sql, out var built) || !built.Fits(parameters))
            {
                var fresh = builder.Build(sql, parameters, model);
                if (Array.Exists(parameters, parameter => parameter is null or DbParameter))
                {
                    // A null's type mapping is the provider's default, not the column's, and a DbParameter is the
                    // caller's own object: neither is one to keep.
                    return (fresh.RelationalCommand, fresh.ParameterValues);
                }

                built = new BuiltStatement(fresh.RelationalCommand, Array.ConvertAll(parameters, parameter => parameter.GetType()));
                _built[sql] = built;
            }

            var values = new Dictionary<string, object?>(parameters.Length);
            for (var i = 0; i < parameters.Length; i++)
            {
                values.Add(built.Template.Parameters[i].InvariantName, parameters[i]);
            }

            return (built.Template, values);
        }
    }

    private sealed record BuiltStatement(IRelationalCommandTemplate Template, Type[] ParameterTypes)
    {
        public bool Fits(object[] parameters)
        {
            if (parameters.Length != ParameterTypes.Length)
            {
                return false;
            }

            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i]?.GetType() != ParameterTypes[i])
                {
                    return false;
                }
            }

            return true;
        }
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
