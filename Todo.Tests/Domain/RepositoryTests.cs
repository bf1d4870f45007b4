using Todo.Domain.Persistence;
using Todo.Domain.Sessions;
using Todo.Domain.Todos;
using Todo.Domain.Users;
using Todo.Tests.Api;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

public sealed class RepositoryTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempSqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_todo_is_found_only_through_its_owner()
    {
        var (alice, bob) = await CreateUsersAsync();
        int todoId;
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            var todo = new TodoItem(alice, "alice's", completed: false, Now);
            todos.Add(todo);
            await todos.SaveChangesAsync(CancellationToken.None);
            todoId = todo.Id;
        }

        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            Assert.Equal("alice's", (await todos.FindAsync(alice, todoId, CancellationToken.None))?.Title);
            Assert.Null(await todos.FindAsync(bob, todoId, CancellationToken.None));
            Assert.Equal(0, (await todos.ListAsync(bob, new TodoQuery(null, 1, 20), CancellationToken.None)).TotalCount);
        }
    }

    [Fact]
    public async Task Listing_pages_in_id_order_filters_by_completion_and_counts_everything()
    {
        var (alice, bob) = await CreateUsersAsync();
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            for (var i = 1; i <= 7; i++)
            {
                todos.Add(new TodoItem(alice, $"todo {i}", completed: i % 2 == 0, Now));
                todos.Add(new TodoItem(bob, $"bob {i}", completed: false, Now));
            }

            await todos.SaveChangesAsync(CancellationToken.None);
        }

        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            var second = await todos.ListAsync(alice, new TodoQuery(null, 2, 3), CancellationToken.None);
            Assert.Equal(["todo 4", "todo 5", "todo 6"], second.Items.Select(t => t.Title));
            Assert.Equal(7, second.TotalCount);
            Assert.True(second.Items.Select(t => t.Id).SequenceEqual(second.Items.Select(t => t.Id).Order()));

            var completed = await todos.ListAsync(alice, new TodoQuery(true, 1, 20), CancellationToken.None);
            Assert.Equal(["todo 2", "todo 4", "todo 6"], completed.Items.Select(t => t.Title));
            Assert.Equal(3, completed.TotalCount);

            var pastTheEnd = await todos.ListAsync(alice, new TodoQuery(false, int.MaxValue, 100), CancellationToken.None);
            Assert.Empty(pastTheEnd.Items);
            Assert.Equal(4, pastTheEnd.TotalCount);
        }
    }

    [Fact]
    public async Task Times_come_back_from_sqlite_as_utc()
    {
        var (alice, _) = await CreateUsersAsync();
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            todos.Add(new TodoItem(alice, "t", completed: false, Now));
            await todos.SaveChangesAsync(CancellationToken.None);
        }

        await using (var db = _database.CreateContext())
        {
            var todo = Assert.Single((await new TodoRepository(db).ListAsync(alice, new TodoQuery(null, 1, 20), CancellationToken.None)).Items);
            Assert.Equal(DateTimeKind.Utc, todo.CreatedAt.Kind);
            Assert.Equal(Now, todo.CreatedAt);
        }
    }

    [Fact]
    public async Task An_email_registered_twice_in_another_case_and_with_spaces_is_a_duplicate()
    {
        await using var db = await _database.CreateMigratedContextAsync();
        var users = new UserRepository(db, new LiveSessions(enabled: true));
        users.Add(new User("Alice@Example.com", "hash", Now));
        await users.SaveChangesAsync(CancellationToken.None);

        users.Add(new User("  alice@EXAMPLE.com ", "hash", Now));
        await Assert.ThrowsAsync<DuplicateEmailException>(() => users.SaveChangesAsync(CancellationToken.None));

        var found = await users.FindByEmailAsync(" ALICE@example.COM", CancellationToken.None);
        Assert.Equal("Alice@Example.com", found?.Email);
    }

    [Fact]
    public async Task Changing_or_deleting_a_todo_that_another_request_deleted_reports_it_gone()
    {
        var (alice, _) = await CreateUsersAsync();
        int id;
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            var todo = new TodoItem(alice, "t", completed: false, Now);
            todos.Add(todo);
            await todos.SaveChangesAsync(CancellationToken.None);
            id = todo.Id;
        }

        await using var first = _database.CreateContext();
        await using var second = _database.CreateContext();
        var firstTodos = new TodoRepository(first);
        var secondTodos = new TodoRepository(second);
        var seenByFirst = (await firstTodos.FindAsync(alice, id, CancellationToken.None))!;
        var seenBySecond = (await secondTodos.FindAsync(alice, id, CancellationToken.None))!;

        secondTodos.Remove(seenBySecond);
        Assert.True(await secondTodos.TrySaveChangesAsync(CancellationToken.None));

        seenByFirst.Update("late", completed: true, Now);
        Assert.False(await firstTodos.TrySaveChangesAsync(CancellationToken.None));
        firstTodos.Remove(seenByFirst);
        Assert.False(await firstTodos.TrySaveChangesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Changing_or_deleting_a_todo_that_another_request_changed_saves_nothing()
    {
        var (alice, _) = await CreateUsersAsync();
        int id;
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            var todo = new TodoItem(alice, "t", completed: false, Now);
            todos.Add(todo);
            await todos.SaveChangesAsync(CancellationToken.None);
            id = todo.Id;
        }

        await using var first = _database.CreateContext();
        await using var second = _database.CreateContext();
        var firstTodos = new TodoRepository(first);
        var secondTodos = new TodoRepository(second);
        var seenByFirst = (await firstTodos.FindAsync(alice, id, CancellationToken.None))!;
        var seenBySecond = (await secondTodos.FindAsync(alice, id, CancellationToken.None))!;

        seenBySecond.Update(title: null, completed: true, Now);
        Assert.True(await secondTodos.TrySaveChangesAsync(CancellationToken.None));

        // A different field, yet the version read is gone: saving would build on a state that no longer exists.
        seenByFirst.Update("late", completed: null, Now);
        Assert.False(await firstTodos.TrySaveChangesAsync(CancellationToken.None));
        firstTodos.Remove((await firstTodos.FindAsync(alice, id, CancellationToken.None))!);
        seenBySecond.Update("second again", completed: null, Now);
        Assert.True(await secondTodos.TrySaveChangesAsync(CancellationToken.None));
        Assert.False(await firstTodos.TrySaveChangesAsync(CancellationToken.None));

        var stored = (await firstTodos.FindAsync(alice, id, CancellationToken.None))!;
        Assert.Equal(("second again", true, seenBySecond.Version), (stored.Title, stored.Completed, stored.Version));
    }

    [Fact]
    public async Task Deleting_a_user_removes_their_todos()
    {
        var (alice, _) = await CreateUsersAsync();
        await using var db = _database.CreateContext();
        var todos = new TodoRepository(db);
        todos.Add(new TodoItem(alice, "t", completed: false, Now));
        await todos.SaveChangesAsync(CancellationToken.None);

        var users = new UserRepository(db, new LiveSessions(enabled: true));
        users.Remove((await users.FindAsync(alice, CancellationToken.None))!);
        await users.SaveChangesAsync(CancellationToken.None);

        Assert.Equal(0, (await todos.ListAsync(alice, new TodoQuery(null, 1, 20), CancellationToken.None)).TotalCount);
    }

    [Fact]
    public async Task A_todo_inserted_for_an_owner_whose_account_is_gone_is_not_stored()
    {
        var (alice, bob) = await CreateUsersAsync();
        await using var db = _database.CreateContext();
        var users = new UserRepository(db, new LiveSessions(enabled: true));
        users.Remove((await users.FindAsync(bob, CancellationToken.None))!);
        await users.SaveChangesAsync(CancellationToken.None);
        var todos = new TodoRepository(db);

        var orphan = await todos.InsertAsync(new TodoItem(bob, "too late", completed: false, Now), CancellationToken.None);
        var kept = await todos.InsertAsync(new TodoItem(alice, "in time", completed: false, Now), CancellationToken.None);

        Assert.Null(orphan);
        Assert.Equal("in time", kept?.Title);
        Assert.Equal(0, (await todos.ListAsync(bob, new TodoQuery(null, 1, 20), CancellationToken.None)).TotalCount);
        Assert.Equal(kept?.Id, Assert.Single((await todos.ListAsync(alice, new TodoQuery(null, 1, 20), CancellationToken.None)).Items).Id);
    }

    [Fact]
    public async Task Many_contexts_reading_the_same_statements_at_once_each_get_their_own_rows()
    {
        // The statements are built once and shared (RawSql); each execution still needs a command of its own.
        var (alice, bob) = await CreateUsersAsync();
        var owners = new[] { alice, bob };
        var ids = new int[owners.Length];
        await using (var db = _database.CreateContext())
        {
            var todos = new TodoRepository(db);
            for (var i = 0; i < owners.Length; i++)
            {
                ids[i] = (await todos.InsertAsync(new TodoItem(owners[i], $"of {owners[i]}", completed: false, Now), CancellationToken.None))!.Id;
            }
        }

        var seen = await InParallel.RunAsync(16, async reader =>
        {
            var wrong = 0;
            await using var db = _database.CreateContext();
            var todos = new TodoRepository(db);
            for (var round = 0; round < 200; round++)
            {
                var i = (reader + round) % owners.Length;
                var todo = await todos.ReadAsync(owners[i], ids[i], CancellationToken.None);
                var page = await todos.ListAsync(owners[i], new TodoQuery(null, 1, 20), CancellationToken.None);
                wrong += todo?.Title == $"of {owners[i]}" && Assert.Single(page.Items).Id == ids[i] ? 0 : 1;
            }

            return wrong;
        });

        Assert.All(seen, wrong => Assert.Equal(0, wrong));
    }

    [Fact]
    public async Task A_statement_run_again_with_values_of_other_types_binds_each_as_it_is()
    {
        await using var db = await _database.CreateMigratedContextAsync();

        // SQLite answers an integer as a long and keeps a time as text.
        Assert.Equal<object>([7L, "seven", 7.5, DBNull.Value, "2026-01-01 00:00:00", 8L], await SelectEachAsync(db));
    }

    /// <summary>One statement, <c>SELECT {0}</c>, run with a value of another type each time (null among them).</summary>
    internal static async Task<List<object>> SelectEachAsync(TodoDbContext db)
    {
        var read = new List<object>();
        foreach (var value in new object?[] { 7, "seven", 7.5, null, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 8 })
        {
            read.Add(Assert.Single(await db.QueryAsync("SELECT {0}", [value!], static row => row.GetValue(0), CancellationToken.None)));
        }

        return read;
    }

    private async Task<(int Alice, int Bob)> CreateUsersAsync()
    {
        await using var db = await _database.CreateMigratedContextAsync();
        var users = new UserRepository(db, new LiveSessions(enabled: true));
        var alice = new User("alice@example.com", "hash", Now);
        var bob = new User("bob@example.com", "hash", Now);
        users.Add(alice);
        users.Add(bob);
        await users.SaveChangesAsync(CancellationToken.None);
        return (alice.Id, bob.Id);
    }
}
