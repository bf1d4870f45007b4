using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;

namespace Todo.Domain.Todos;

/// <summary>
/// Todos, always seen through their owner: every query here takes the owner id. The reads that answer a request and
/// a create's insert are written in SQL (<see cref="RawSql"/>): they are most of what the API serves. A todo about to
/// change is found through EF Core, tracked, so that its save is checked against the version it was read at.
/// </summary>
public sealed class TodoRepository(TodoDbContext db) : Repository<TodoItem>(db)
{
    /// <summary>The columns <see cref="ReadTodo"/> reads, in its order, of the todos aliased <c>t</c>.</summary>
    private const string TodoColumns = """
        t."Id", t."OwnerId", t."Title", t."Completed", t."CreatedAt", t."UpdatedAt", t."Version"
        """;

    private const string TodoSql = $$"""
        SELECT {{TodoColumns}} FROM "Todos" AS t WHERE t."Id" = {0} AND t."OwnerId" = {1}
        """;

    private const string PageSql = $$"""
        SELECT {{TodoColumns}}, u."TodoCount", u."CompletedTodoCount"
        FROM "Todos" AS t INNER JOIN "Users" AS u ON u."Id" = t."OwnerId"
        WHERE t."OwnerId" = {0}
        ORDER BY t."Id" LIMIT {1} OFFSET {2}
        """;

    private const string FilteredPageSql = $$"""
        SELECT {{TodoColumns}}, u."TodoCount", u."CompletedTodoCount"
        FROM "Todos" AS t INNER JOIN "Users" AS u ON u."Id" = t."OwnerId"
        WHERE t."OwnerId" = {0} AND t."Completed" = {3}
        ORDER BY t."Id" LIMIT {1} OFFSET {2}
        """;

    // Only for an owner that still exists: an account deleted while its last requests run takes no new todos. On
    // PostgreSQL the owner's row is locked first as the foreign key's own check locks it (FOR KEY SHARE): a deletion
    // that commits meanwhile leaves the statement with no row to insert, where a plain check of the owner would have
    // seen it and then failed the foreign key. SQLite has no row locks, and one writer at a time.
    private const string InsertFromOwnerSql = """
        INSERT INTO "Todos" ("OwnerId", "Title", "Completed", "CreatedAt", "UpdatedAt", "Version")
        SELECT {0}, {1}, {2}, {3}, {4}, {5} FROM "Users" WHERE "Id" = {0}
        """;

    private const string InsertSql = InsertFromOwnerSql + """ RETURNING "Id" """;

    private const string InsertLockingOwnerSql = InsertFromOwnerSql + """ FOR KEY SHARE RETURNING "Id" """;

    private static readonly CompiledQuery<Func<TodoDbContext, int, int, CancellationToken, Task<TodoItem?>>> Owned = new(() => EF.CompileAsyncQuery(
        (TodoDbContext db, int ownerId, int id, CancellationToken _) => db.Todos.SingleOrDefault(todo => todo.OwnerId == ownerId && todo.Id == id)));

    /// <summary>
    /// Stores a new todo and answers it with the id the database gave it; null when its owner no longer exists. One
    /// <c>INSERT … RETURNING</c> rather than the change tracker's <c>SaveChanges</c>, which was two thirds of a
    /// create's CPU.
    /// </summary>
    public async Task<TodoItem?> InsertAsync(TodoItem todo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(todo);
        var ids = await Db.QueryAsync(
            Db.IsPostgres() ? InsertLockingOwnerSql : InsertSql,
            [todo.OwnerId, todo.Title, todo.Completed, todo.CreatedAt, todo.UpdatedAt, todo.Version],
            static row => row.GetInt32(0),
            cancellationToken);
        return ids.Count == 0
            ? null
            : TodoItem.FromRow(ids[0], todo.OwnerId, todo.Title, todo.Completed, todo.CreatedAt, todo.UpdatedAt, todo.Version);
    }

    /// <summary>The owner's todo, tracked: for a change that will be saved.</summary>
    public Task<TodoItem?> FindAsync(int ownerId, int id, CancellationToken cancellationToken) => Owned.For(Db)(Db, ownerId, id, cancellationToken);

    /// <summary>The owner's todo as it is now, not tracked: for answering a read.</summary>
    public async Task<TodoItem?> ReadAsync(int ownerId, int id, CancellationToken cancellationToken)
    {
        var rows = await Db.QueryAsync(TodoSql, [id, ownerId], ReadTodo, cancellationToken);
        return rows.SingleOrDefault();
    }

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
            // The owner's counts beside every row. Served by the (OwnerId, Id) index: seek to the owner, walk in id
            // order, filter on the way; the owner's row is a primary-key look-up.
            var rows = await Db.QueryAsync(
                query.Completed is null ? PageSql : FilteredPageSql,
                query.Completed is bool completed ? [ownerId, query.PageSize, (int)skip, completed] : [ownerId, query.PageSize, (int)skip],
                static row => (Todo: ReadTodo(row), Counts: new OwnerCounts(row.GetInt32(7), row.GetInt32(8))),
                cancellationToken);
            foreach (var (todo, rowCounts) in rows)
            {
                items.Add(todo);
                counts = rowCounts;
            }
        }

        // The counts the database keeps with every write (see User.TodoCount): no scan of the owner's todos.
        counts ??= (await Db.QueryAsync(
            """SELECT "TodoCount", "CompletedTodoCount" FROM "Users" WHERE "Id" = {0}""",
            [ownerId],
            static row => new OwnerCounts(row.GetInt32(0), row.GetInt32(1)),
            cancellationToken)).SingleOrDefault();
        return new TodoPage(items, query.Page, query.PageSize, counts?.Of(query.Completed) ?? 0);
    }

    private static TodoItem ReadTodo(DbDataReader row) => TodoItem.FromRow(
        row.GetInt32(0), row.GetInt32(1), row.GetString(2), row.GetBoolean(3), row.GetUtcDateTime(4), row.GetUtcDateTime(5), row.GetInt64(6));
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
