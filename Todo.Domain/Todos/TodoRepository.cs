using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>Todos, always seen through their owner: every query here takes the owner id.</summary>
public sealed class TodoRepository(TodoDbContext db) : Repository<TodoItem>(db)
{
    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) =>
        Entities.SingleOrDefaultAsync(todo => todo.OwnerId == ownerId && todo.Id == id, cancellationToken);

    public async Task<TodoPage> ListAsync(int ownerId, TodoQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var owned = Entities.AsNoTracking().Where(todo => todo.OwnerId == ownerId);
        if (query.Completed is bool completed)
        {
            owned = owned.Where(todo => todo.Completed == completed);
        }

        var totalCount = await owned.CountAsync(cancellationToken);
        var skip = ((long)query.Page - 1) * query.PageSize;
        if (skip >= totalCount)
        {
            return new TodoPage([], query.Page, query.PageSize, totalCount);
        }

        var items = await owned
            .OrderBy(todo => todo.Id)
            .Skip((int)skip)
            .Take(query.PageSize)
            .ToListAsync(cancellationToken);
        return new TodoPage(items, query.Page, query.PageSize, totalCount);
    }
}
