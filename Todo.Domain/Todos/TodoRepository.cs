using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>Todos, always seen through their owner: every query here takes the owner id.</summary>
public sealed class TodoRepository(TodoDbContext db) : Repository<TodoItem>(db)
{
    private static readonly CompiledQuery<Func<TodoDbContext, int, int, CancellationToken, Task<TodoItem?>>> Owned = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, int id, CancellationToken _) => db.Todos.SingleOrDefault(todo => todo.OwnerId == ownerId && todo.Id == id)));

    // The counts the database keeps with every write (see User.TodoCount): no scan of the owner's todos.
    private static readonly CompiledQuery<Func<TodoDbContext, int, bool?, CancellationToken, Task<int>>> CountOf = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, bool? completed, CancellationToken _) => db.Users
            .Where(user => user.Id == ownerId)
            .Select(user => completed == null ? user.TodoCount
                : completed == true ? user.CompletedTodoCount
                : user.TodoCount - user.CompletedTodoCount)
            .FirstOrDefault()));

    // Served by the (OwnerId, Id) index: seek to the owner, walk in id order, filter on the way.
    private static readonly CompiledQuery<Func<TodoDbContext, int, bool?, int, int, IAsyncEnumerable<TodoItem>>> PageOf = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, bool? completed, int skip, int take) => db.Todos
            .AsNoTracking()
            .Where(todo => todo.OwnerId == ownerId && (completed == null || todo.Completed == completed))
            .OrderBy(todo => todo.Id)
            .Skip(skip)
            .Take(take)));

    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) => Owned.For(Db)(Db, ownerId, id, cancellationToken);

    public async Task<TodoPage> ListAsync(int ownerId, TodoQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Both queries on one opened connection: left to EF Core, each would take one from the pool and give it back
        // (with SQLite, every open also registers EF Core's functions on the connection again).
        await Db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var totalCount = await CountOf.For(Db)(Db, ownerId, query.Completed, cancellationToken);
            var skip = ((long)query.Page - 1) * query.PageSize;
            if (skip >= totalCount)
            {
                return new TodoPage([], query.Page, query.PageSize, totalCount);
            }

            var items = new List<TodoItem>(query.PageSize);
            await foreach (var todo in PageOf.For(Db)(Db, ownerId, query.Completed, (int)skip, query.PageSize).WithCancellation(cancellationToken))
            {
                items.Add(todo);
            }

            return new TodoPage(items, query.Page, query.PageSize, totalCount);
        }
        finally
        {
            await Db.Database.CloseConnectionAsync();
        }
    }
}
