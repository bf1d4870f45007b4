using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>
/// The todo use cases, each for one owner.
/// <para>
/// A change reads the todo, checks the version it read against the accepted ones, applies itself and saves with
/// that version as the concurrency token, so the write fails if anyone changed or deleted the todo in between: a
/// check and its write are one atomic step, and no change is lost. After such a failure the change starts again
/// from a fresh read, which tells a deleted todo (not found) from a changed one, and checks the new version: a
/// change that asked for a version that is gone now is refused, one that accepts any version is applied to the
/// new state (as PATCH, PUT and DELETE allow). Each writer that wins a race saves, so losing again and again needs
/// others to keep saving; after <see cref="MaxAttempts"/> the change gives up as contended rather than loop on.
/// </para>
/// </summary>
public sealed class TodoService(TodoRepository todos, TimeProvider time)
{
    public const int MaxAttempts = 10;

    public Task<TodoPage> ListAsync(int ownerId, TodoQuery query, CancellationToken cancellationToken) =>
        todos.ListAsync(ownerId, query, cancellationToken);

    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) =>
        todos.ReadAsync(ownerId, id, cancellationToken);

    /// <summary>The new todo; null when the owner no longer exists (the account was deleted meanwhile).</summary>
    public Task<TodoItem?> CreateAsync(int ownerId, string title, bool completed, CancellationToken cancellationToken) =>
        todos.InsertAsync(new TodoItem(ownerId, title, completed, Now()), cancellationToken);

    /// <summary>Changes the given fields; a null argument leaves that field unchanged.</summary>
    public Task<TodoChange> UpdateAsync(
        int ownerId, int id, string? title, bool? completed, AcceptedVersions accepted, CancellationToken cancellationToken) =>
        ChangeAsync(ownerId, id, accepted, todo => todo.Update(title, completed, Now()), cancellationToken);

    public Task<TodoChange> DeleteAsync(int ownerId, int id, AcceptedVersions accepted, CancellationToken cancellationToken) =>
        ChangeAsync(ownerId, id, accepted, todos.Remove, cancellationToken);

    private async Task<TodoChange> ChangeAsync(
        int ownerId, int id, AcceptedVersions accepted, Action<TodoItem> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accepted);

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var todo = await todos.FindAsync(ownerId, id, cancellationToken);
            if (todo is null)
            {
                return TodoChange.NotFound;
            }

            if (!accepted.Accept(todo))
            {
                return TodoChange.VersionNotAccepted(todo);
            }

            change(todo);
            if (await todos.TrySaveChangesAsync(cancellationToken))
            {
                return TodoChange.Done(todo);
            }

            // A little random wait, so that writers who lost together do not all read and collide again together.
            await Task.Delay(Random.Shared.Next(1, 1 + Math.Min(32, 1 << attempt)), cancellationToken);
        }

        return TodoChange.Contended;
    }

    private DateTime Now() => StoredTime.UtcNow(time);
}
