using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Todo.Domain.Persistence;

namespace Todo.Api.Infrastructure;

/// <summary>
/// The start-up check of an up-to-date database (every start but the first after a deployment), as one read of the
/// history table. EF Core's own answer first builds its migrator (the history table's model, its SQL generator,
/// the migrations' SQL generation services), which is a large part of a cold start. Only a yes is trusted: any
/// doubt (no history table, a migration it lacks, a database that does not answer, a customised history table)
/// says no, and the caller asks EF Core, which also applies what is pending.
/// </summary>
internal static class MigrationHistory
{
    public static async Task<bool> AllKnownAppliedAsync(TodoDbContext db, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var relational = RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>());
        if (relational.MigrationsHistoryTableName is not null || relational.MigrationsHistoryTableSchema is not null)
        {
            return false;
        }

        // The same ids EF Core compares: the [Migration] classes of the migrations assembly, found by reflection only.
        var known = db.GetService<IMigrationsAssembly>().Migrations.Keys;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        try
        {
            if (opened)
            {
                await connection.OpenAsync(cancellationToken);
            }

            if (!await HistoryTableExistsAsync(connection, provider, cancellationToken))
            {
                return false;
            }

            await using var select = connection.CreateCommand();
            select.CommandText = $"""SELECT "MigrationId" FROM "{HistoryRepository.DefaultTableName}" """;
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            return known.All(applied.Contains);
        }
        catch (DbException)
        {
            return false;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    // Asked first rather than caught as a failed query: a missing table is the first start's normal case.
    private static async Task<bool> HistoryTableExistsAsync(DbConnection connection, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = provider == DatabaseProvider.Postgres
            ? $"""SELECT to_regclass('"{HistoryRepository.DefaultTableName}"') IS NOT NULL"""
            : $"SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{HistoryRepository.DefaultTableName}')";
        return await exists.ExecuteScalarAsync(cancellationToken) is true or 1L;
    }
}
