using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

public sealed class SqliteMigrationTests
{
    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        using var database = new TempSqliteDatabase();
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --project Migrations/Sqlite --startup-project Todo.Api --output-dir . --namespace Todo.Migrations.Sqlite");
    }

    [Fact]
    public async Task Applying_every_migration_to_an_empty_database_yields_the_schema_the_model_expects()
    {
        using var migrated = new TempSqliteDatabase();
        using var expected = new TempSqliteDatabase();
        await using (var db = await migrated.CreateMigratedContextAsync())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        // EnsureCreated builds the schema straight from the model: the reference the migrations must match.
        await using (var db = expected.CreateContext())
        {
            await db.Database.EnsureCreatedAsync();
        }

        var migratedSchema = await ReadSchemaAsync(migrated.ConnectionString);
        Assert.Contains("table Users", migratedSchema);
        Assert.Contains("index Todos.IX_Todos_OwnerId_Id unique=0 (OwnerId,Id)", migratedSchema);
        Assert.Contains("index Users.IX_Users_NormalizedEmail unique=1 (NormalizedEmail)", migratedSchema);
        Assert.Equal(await ReadSchemaAsync(expected.ConnectionString), migratedSchema);
    }

    /// <summary>Tables, columns (name, type, nullability, key) and indexes, ignoring EF's own bookkeeping tables.</summary>
    private static async Task<List<string>> ReadSchemaAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var schema = new List<string>();
        var tables = await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%' ORDER BY name", 1);
        foreach (var table in tables.Select(row => row[0]))
        {
            schema.Add($"table {table}");
            foreach (var column in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid", 4))
            {
                schema.Add($"column {table}.{column[0]} {column[1]} notnull={column[2]} pk={column[3]}");
            }

            foreach (var foreignKey in await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')", 4))
            {
                schema.Add($"fk {table}.{foreignKey[1]} -> {foreignKey[0]}.{foreignKey[2]} on delete {foreignKey[3]}");
            }

            foreach (var index in await QueryAsync(connection, $"SELECT name, \"unique\" FROM pragma_index_list('{table}') WHERE origin = 'c' ORDER BY name", 2))
            {
                var columns = await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{index[0]}') ORDER BY seqno", 1);
                schema.Add($"index {table}.{index[0]} unique={index[1]} ({string.Join(',', columns.Select(c => c[0]))})");
            }
        }

        return schema;
    }

    private static async Task<List<string[]>> QueryAsync(SqliteConnection connection, string sql, int columns)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, columns).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)]);
        }

        return rows;
    }
}
