using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Todo.Api.Infrastructure;
using Todo.Domain.Persistence;
using Todo.Domain.Todos;
using Todo.Domain.Users;

namespace Todo.Benchmarks;

/// <summary>
/// A page of one user's 1,000 todos (beside another user's 1,000) through TodoService and TodoRepository, on a SQLite
/// file migrated with the real migrations, with the app's connection interceptor and a pooled context as the app rents
/// one per request. Page 50 is the last: SQLite walks the skipped rows, so it shows what OFFSET costs.
/// </summary>
[MemoryDiagnoser]
public class TodoPageBenchmarks
{
    private const int TodosPerUser = 1000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-benchmarks-");
    private PooledDbContextFactory<TodoDbContext>? _contexts;
    private int _ownerId;

    [Params(1, 50)]
    public int Page { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new DbContextOptionsBuilder<TodoDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory.FullName, "todo.db")}", sqlite => sqlite.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly))
            .AddInterceptors(new SqliteConnectionSetup())
            .Options;
        _contexts = new PooledDbContextFactory<TodoDbContext>(options);

        await using var db = await _contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        var now = DateTime.UtcNow;
        var owner = new User("bench.owner@example.com", "not-a-hash", now);
        var other = new User("bench.other@example.com", "not-a-hash", now);
        db.Users.AddRange(owner, other);
        await db.SaveChangesAsync();

        // Interleaved, as users who write at the same time would leave them: the index, not the row order, finds a page.
        for (var i = 1; i <= TodosPerUser; i++)
        {
            db.Todos.Add(new TodoItem(owner.Id, $"todo {i}", completed: i % 4 == 0, now));
            db.Todos.Add(new TodoItem(other.Id, $"other {i}", completed: false, now));
        }

        await db.SaveChangesAsync();
        _ownerId = owner.Id;

        var page = await ListAsync();
        if (page.Items.Count != TodoQuery.DefaultPageSize || page.TotalCount != TodosPerUser)
        {
            throw new InvalidOperationException($"Expected {TodoQuery.DefaultPageSize} of {TodosPerUser} todos, got {page.Items.Count} of {page.TotalCount}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Benchmark]
    public async Task<TodoPage> ListAsync()
    {
        await using var db = await _contexts!.CreateDbContextAsync();
        var service = new TodoService(new TodoRepository(db), TimeProvider.System);
        return await service.ListAsync(_ownerId, new TodoQuery(Completed: null, Page, TodoQuery.DefaultPageSize), CancellationToken.None);
    }
}
