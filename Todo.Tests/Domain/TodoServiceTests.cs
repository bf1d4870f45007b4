using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Todo.Domain.Todos;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>
/// The service's changes when another writer saves between their read and their write. The rival is a real second
/// context on the same SQLite file, run from a SaveChanges interceptor, so the race happens on every attempt, not
/// only when the scheduler is kind.
/// </summary>
public sealed class TodoServiceTests : IDisposable
{
    private readonly TempSqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_change_that_lost_a_race_is_applied_again_on_top_of_the_winner()
    {
        var (owner, id) = await CreateTodoAsync();
        var rival = new RivalWriter(_database, owner, id, times: 1);
        await using var db = _database.CreateContext(rival);

        var change = await new TodoService(new TodoRepository(db), TimeProvider.System)
            .UpdateAsync(owner, id, "ours", completed: null, AcceptedVersions.Any, CancellationToken.None);

        Assert.Equal(TodoChangeStatus.Done, change.Status);
        var stored = await ReadAsync(owner, id);
        Assert.Equal(("ours", true, change.Todo!.Version), (stored.Title, stored.Completed, stored.Version));
    }

    [Fact]
    public async Task A_change_for_the_version_it_read_is_refused_when_another_write_came_between()
    {
        var (owner, id) = await CreateTodoAsync();
        var read = await ReadAsync(owner, id);
        var rival = new RivalWriter(_database, owner, id, times: 1);
        await using var db = _database.CreateContext(rival);
        var service = new TodoService(new TodoRepository(db), TimeProvider.System);

        var update = await service.UpdateAsync(owner, id, "ours", completed: null, AcceptedVersions.OneOf([read.Version]), CancellationToken.None);
        var stored = await ReadAsync(owner, id);
        var delete = await service.DeleteAsync(owner, id, AcceptedVersions.OneOf([read.Version]), CancellationToken.None);

        Assert.Equal(TodoChangeStatus.VersionNotAccepted, update.Status);
        Assert.Equal(("t", true), (stored.Title, stored.Completed));
        Assert.Equal(stored.Version, update.Todo!.Version);
        Assert.Equal(TodoChangeStatus.VersionNotAccepted, delete.Status);
        Assert.Equal(stored.Version, (await ReadAsync(owner, id)).Version);
    }

    [Fact]
    public async Task A_delete_that_lost_a_race_with_a_change_still_deletes()
    {
        var (owner, id) = await CreateTodoAsync();
        await using var db = _database.CreateContext(new RivalWriter(_database, owner, id, times: 1));

        var delete = await new TodoService(new TodoRepository(db), TimeProvider.System)
            .DeleteAsync(owner, id, AcceptedVersions.Any, CancellationToken.None);

        Assert.Equal(TodoChangeStatus.Done, delete.Status);
        await using var check = _database.CreateContext();
        Assert.Null(await new TodoRepository(check).FindAsync(owner, id, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_that_loses_every_attempt_gives_up_as_contended_and_saves_nothing()
    {
        var (owner, id) = await CreateTodoAsync();
        var rival = new RivalWriter(_database, owner, id, times: int.MaxValue);
        await using var db = _database.CreateContext(rival);

        var change = await new TodoService(new TodoRepository(db), TimeProvider.System)
            .UpdateAsync(owner, id, "ours", completed: null, AcceptedVersions.Any, CancellationToken.None);

        Assert.Equal(TodoChangeStatus.Contended, change.Status);
        Assert.Equal(TodoService.MaxAttempts, rival.Saves);
        Assert.Equal("t", (await ReadAsync(owner, id)).Title);
    }

    private async Task<(int Owner, int Id)> CreateTodoAsync()
    {
        await using var db = await _database.CreateMigratedContextAsync();
        var user = new User("owner@example.com", "hash", DateTime.UtcNow);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        var todo = new TodoItem(user.Id, "t", completed: false, DateTime.UtcNow);
        db.Todos.Add(todo);
        await db.SaveChangesAsync();
        return (user.Id, todo.Id);
    }

    private async Task<TodoItem> ReadAsync(int owner, int id)
    {
        await using var db = _database.CreateContext();
        return (await new TodoRepository(db).FindAsync(owner, id, CancellationToken.None))!;
    }

    /// <summary>Right before each of the first <paramref name="times"/> saves, another writer toggles the todo's completed flag.</summary>
    private sealed class RivalWriter(TempSqliteDatabase database, int owner, int id, int times) : SaveChangesInterceptor
    {
        public int Saves { get; private set; }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Saves < times)
            {
                Saves++;
                await using var db = database.CreateContext();
                var todo = await db.Todos.SingleAsync(todo => todo.OwnerId == owner && todo.Id == id, cancellationToken);
                todo.Update(title: null, completed: !todo.Completed, DateTime.UtcNow);
                await db.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }
}
