using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>
/// The todo use cases, each for one owner. Returns null / false when the owner has no such todo, including when
/// a concurrent request deleted it between our read and our write.
/// </summary>
public sealed class TodoService(TodoRepository todos, TimeProvider time)
{
    public Task<TodoPage> ListAsync(int ownerId, TodoQuery query, CancellationToken cancellationToken) =>
        todos.ListAsync(ownerId, query, cancellationToken);

    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) =>
        todos.FindAsync(ownerId, id, cancellationToken);

    public async Task<TodoItem> CreateAsync(int ownerId, string title, bool completed, CancellationToken cancellationToken)
    {
        var todo = new TodoItem(ownerId, title, completed, Now());
        todos.Add(todo);
        await todos.SaveChangesAsync(cancellationToken);
        return todo;
    }

    /// <summary>Changes the given fields; a null argument leaves that field unchanged.</summary>
    public async Task<TodoItem?> UpdateAsync(int ownerId, int id, string? title, bool? completed, CancellationToken cancellationToken)
    {
        var todo = await todos.FindAsync(ownerId, id, cancellationToken);
        if (todo is null)
        {
            return null;
        }

        todo.Update(title, completed, Now());
        return await todos.TrySaveChangesAsync(cancellationToken) ? todo : null;
    }

    public async Task<bool> DeleteAsync(int ownerId, int id, CancellationToken cancellationToken)
    {
        var todo = await todos.FindAsync(ownerId, id, cancellationToken);
        if (todo is null)
        {
            return false;
        }

        todos.Remove(todo);
        return await todos.TrySaveChangesAsync(cancellationToken);
    }

    private DateTime Now() => StoredTime.UtcNow(time);
}
