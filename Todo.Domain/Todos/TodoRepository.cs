using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>Todos, always seen through their owner: every query here takes the owner id.</summary>
public sealed class TodoRepository(TodoDbContext db) : Repository<TodoItem>(db)
{
    private static readonly CompiledQuery<Func<TodoDbContext, int, int, CancellationToken, Task<TodoItem?>>> Owned = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, int id, CancellationToken _) => db.Todos.SingleOrDefault(todo => todo.OwnerId == ownerId && todo.Id == id)));

    // The same look-up answering a read: nothing will change what it returns, so the context does not track it.
    private static readonly CompiledQuery<Func<TodoDbContext, int, int, CancellationToken, Task<TodoItem?>>> OwnedSnapshot = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, int id, CancellationToken _) => db.Todos.AsNoTracking().SingleOrDefault(todo => todo.OwnerId == ownerId && todo.Id == id)));

    // The counts the database keeps with every write (see User.TodoCount): no scan of the owner's todos.
    private static readonly CompiledQuery<Func<TodoDbContext, int, CancellationToken, Task<OwnerCounts?>>> CountsOf = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, CancellationToken _) => db.Users
            .Where(user => user.Id == ownerId)
            .Select(user => new OwnerCounts(user.TodoCount, user.CompletedTodoCount))
            .FirstOrDefault()));

    // A page with its owner's counts beside every row, in one statement. Served by the (OwnerId, Id) index: seek to
    // the owner, walk in id order, filter on the way; the owner's row is a primary-key look-up.
    private static readonly CompiledQuery<Func<TodoDbContext, int, bool?, int, int, IAsyncEnumerable<CountedTodo>>> PageOf = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, bool? completed, int skip, int take) => db.Todos
            .AsNoTracking()
            .Where(todo => todo.OwnerId == ownerId && (completed == null || todo.Completed == completed))
            .Join(db.Users, todo => todo.OwnerId, user => user.Id, (todo, user) => new { Todo = todo, user.TodoCount, user.CompletedTodoCount })
            .OrderBy(row => row.Todo.Id)
            .Skip(skip)
            .Take(take)
            .Select(row => new CountedTodo(row.Todo, new OwnerCounts(row.TodoCount, row.CompletedTodoCount)))));

    /// <summary>The owner's todo, tracked: for a change that will be saved.</summary>
    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) => Owned.For(Db)(Db, ownerId, id, cancellationToken);

    /// <summary>The owner's todo as it is now, not tracked: for answering a read.</summary>
    public Task<TodoItem?> ReadAsync(int ownerId, int id, CancellationToken cancellationToken) => OwnedSnapshot.For(Db)(Db, ownerId, id, cancellationToken);

    /// <summary>
    /// A page and the true total. One statement answers both when the page has rows; only a page past the end (or of
    /// an owner without todos) needs the counts alone. Page and total come from one statement, so they agree.
    /// </summary>
    public async Task<TodoPage> ListAsync(int ownerId, TodoQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // A skip past int.MaxValue is past the end of any owner's todos (the counts are ints): only the counts are read.
        var skip = ((long)query.Page - 1) * query.PageSize;
        var items = new List<TodoItem>(query.PageSize);
        OwnerCounts? counts = null;
        if (skip <= int.MaxValue)
        {
            await foreach (var row in PageOf.For(Db)(Db, ownerId, query.Completed, (int)skip, query.PageSize).WithCancellation(cancellationToken))
            {
                items.Add(row.Todo);
                counts = row.Counts;
            }
        }

        counts ??= await CountsOf.For(Db)(Db, ownerId, cancellationToken);
        return new TodoPage(items, query.Page, query.PageSize, counts?.Of(query.Completed) ?? 0);
    }

    private sealed record CountedTodo(TodoItem Todo, OwnerCounts Counts);
}

/// <summary>How many todos an owner has, and how many of them are completed.</summary>
internal sealed record OwnerCounts(int All, int Completed)
{
    public int Of(bool? completed) => completed switch
    {
        null => All,
        true => Completed,
        false => All - Completed,
    };
}
