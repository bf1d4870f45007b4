using Microsoft.EntityFrameworkCore;
using Todo.Api.Infrastructure;
using Todo.Domain.Persistence;

namespace Todo.Tests.Support;

/// <summary>A real database of its own on the PostgreSQL test server, created empty and dropped on dispose.</summary>
public sealed class TempPostgresDatabase : IAsyncDisposable
{
    private TempPostgresDatabase(string name)
    {
        Name = name;
        ConnectionString = PostgresServer.ConnectionStringFor(name);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TempPostgresDatabase> CreateAsync()
    {
        var database = new TempPostgresDatabase(PostgresServer.NewDatabaseName());
        await PostgresServer.CreateDatabaseAsync(database.Name);
        return database;
    }

    public TodoDbContext CreateContext() => new(new DbContextOptionsBuilder<TodoDbContext>()
        .UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsAssembly(DatabaseSetup.PostgresMigrationsAssembly))
        .Options);

    public ValueTask DisposeAsync()
    {
        PostgresServer.DropDatabase(Name);
        return ValueTask.CompletedTask;
    }
}
