using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Todo.Domain.Persistence;

namespace Todo.Tests.Support;

/// <summary>A real SQLite file in the temp folder, removed with its WAL files on dispose.</summary>
public sealed class TempSqliteDatabase : IDisposable
{
    public TempSqliteDatabase()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"todo-tests-{Guid.NewGuid():N}.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public TodoDbContext CreateContext(params IInterceptor[] interceptors) => new(new DbContextOptionsBuilder<TodoDbContext>()
        .UseSqlite(ConnectionString, sqlite => sqlite.MigrationsAssembly(Todo.Api.Infrastructure.DatabaseSetup.SqliteMigrationsAssembly))
        .AddInterceptors(interceptors)
        .Options);

    /// <summary>A context over a database that has every migration applied.</summary>
    public async Task<TodoDbContext> CreateMigratedContextAsync()
    {
        var db = CreateContext();
        await db.Database.MigrateAsync();
        return db;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", ".lock" })
        {
            File.Delete(Path + suffix);
        }
    }
}
