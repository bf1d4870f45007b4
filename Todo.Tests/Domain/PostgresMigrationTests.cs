using Microsoft.EntityFrameworkCore;
using Npgsql;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>The PostgreSQL migration set checked as the SQLite one is, on the real server.</summary>
public sealed class PostgresMigrationTests : IRunsOnPostgres
{
    [DatabaseFact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        await using var db = database.CreateContext();

        Assert.False(
            db.Database.HasPendingModelChanges(),
            "Run: dotnet ef migrations add <Name> --project Migrations/Postgres --startup-project Todo.Api --output-dir . --namespace Todo.Migrations.Postgres -- --Database:Provider=Postgres --ConnectionStrings:Todo=Host=localhost");
    }

    [DatabaseFact]
    public async Task Applying_every_migration_to_an_empty_database_yields_the_schema_the_model_expects()
    {
        await using var migrated = await TempPostgresDatabase.CreateAsync();
        await using var expected = await TempPostgresDatabase.CreateAsync();
        await using (var db = migrated.CreateContext())
        {
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        // EnsureCreated builds the schema straight from the model: the reference the migrations must match.
        await using (var db = expected.CreateContext())
        {
            await db.Database.EnsureCreatedAsync();
        }

        var migratedSchema = await ReadSchemaAsync(migrated.ConnectionString);
        Assert.Contains("column Users.NormalizedEmail character varying(254) nullable=NO identity=NO", migratedSchema);
        Assert.Contains("column Todos.Id integer nullable=NO identity=YES", migratedSchema);
        Assert.Contains("column Todos.CreatedAt timestamp with time zone nullable=NO identity=NO", migratedSchema);
        Assert.Contains("index Users.IX_Users_NormalizedEmail CREATE UNIQUE INDEX IX_Users_NormalizedEmail ON public.Users USING btree (NormalizedEmail)", migratedSchema);
        Assert.Contains("constraint Todos.FK_Todos_Users_OwnerId FOREIGN KEY (OwnerId) REFERENCES Users(Id) ON DELETE CASCADE", migratedSchema);
        Assert.Equal(await ReadSchemaAsync(expected.ConnectionString), migratedSchema);
    }

    /// <summary>Columns (type, nullability, identity), constraints and indexes, ignoring EF's own bookkeeping table.</summary>
    private static async Task<List<string>> ReadSchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var schema = new List<string>();
        schema.AddRange(await QueryAsync(connection, """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
                || COALESCE('(' || character_maximum_length || ')', '') || ' nullable=' || is_nullable || ' identity=' || is_identity
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
            ORDER BY table_name, column_name
            """));
        schema.AddRange(await QueryAsync(connection, """
            SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '"\_\_EF%'
            ORDER BY 1
            """));
        schema.AddRange(await QueryAsync(connection, """
            SELECT 'index ' || tablename || '.' || indexname || ' ' || indexdef
            FROM pg_indexes
            WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
            ORDER BY 1
            """));

        // Identifiers are quoted in some catalog output and not in others; compare them bare.
        return [.. schema.Select(line => line.Replace("\"", string.Empty, StringComparison.Ordinal))];
    }

    private static async Task<List<string>> QueryAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
