using System.Net;
using System.Text.Json;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>GET /todos: order, paging, the completed filter and the 400s for anything else in those parameters.</summary>
public abstract class TodoListTests(TodoApplication app) : IAsyncLifetime
{
    private const int TodoCount = 25;

    private TestUser? _user;
    private int[] _ids = [];
    private readonly HashSet<int> _completedIds = [];

    private TestUser User => _user ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        // The class's tests only read, so the user and its todos are made once per application.
        _user = await app.GetSharedUserAsync();
        var existing = await ListAsync("/todos?pageSize=100");
        if (existing.GetProperty("totalCount").GetInt32() == 0)
        {
            for (var index = 0; index < TodoCount; index++)
            {
                using var response = await User.Client.PostAsync("/todos", Json.Of(new { title = $"todo {index}", completed = index % 3 == 0 }));
                await Json.ReadAsync(response, HttpStatusCode.Created);
            }

            existing = await ListAsync("/todos?pageSize=100");
        }

        var items = existing.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(TodoCount, items.Count);
        _ids = [.. items.Select(item => item.GetProperty("id").GetInt32())];
        _completedIds.UnionWith(items.Where(item => item.GetProperty("completed").GetBoolean()).Select(item => item.GetProperty("id").GetInt32()));
        Assert.NotEmpty(_completedIds);
        Assert.NotEqual(TodoCount, _completedIds.Count);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [DatabaseFact]
    public async Task List_defaults_to_page_1_of_20_in_id_order_with_the_total_count()
    {
        var page = await ListAsync("/todos");

        Assert.Equal(["items", "page", "pageSize", "totalCount"], Json.PropertyNames(page));
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(20, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(TodoCount, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(_ids.Take(20), Ids(page));
        Assert.Equal(_ids.Order(), _ids);
        Assert.Equal(_ids.Length, _ids.Distinct().Count());
        var first = page.GetProperty("items")[0];
        Assert.Equal(["completed", "createdAt", "id", "title", "updatedAt"], Json.PropertyNames(first));
    }

    [DatabaseFact]
    public async Task List_returns_the_requested_page()
    {
        var second = await ListAsync("/todos?page=2&pageSize=10");
        var last = await ListAsync("/todos?page=3&pageSize=10");

        Assert.Equal(_ids.Skip(10).Take(10), Ids(second));
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        Assert.Equal(10, second.GetProperty("pageSize").GetInt32());
        Assert.Equal(TodoCount, second.GetProperty("totalCount").GetInt32());
        Assert.Equal(_ids.Skip(20), Ids(last));
    }

    [DatabaseTheory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task List_accepts_page_sizes_from_1_to_100(int pageSize)
    {
        var page = await ListAsync($"/todos?pageSize={pageSize}");

        Assert.Equal(pageSize, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(_ids.Take(pageSize), Ids(page));
    }

    [DatabaseTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task List_filters_by_completed(bool completed)
    {
        var expected = _ids.Where(id => _completedIds.Contains(id) == completed).ToArray();

        var page = await ListAsync($"/todos?completed={(completed ? "true" : "false")}&pageSize=100");

        Assert.Equal(expected, Ids(page));
        Assert.Equal(expected.Length, page.GetProperty("totalCount").GetInt32());
        Assert.All(page.GetProperty("items").EnumerateArray(), item => Assert.Equal(completed, item.GetProperty("completed").GetBoolean()));
    }

    [DatabaseFact]
    public async Task List_filter_and_paging_combine()
    {
        var expected = _ids.Where(id => !_completedIds.Contains(id)).Skip(5).Take(5).ToArray();

        var page = await ListAsync("/todos?completed=false&page=2&pageSize=5");

        Assert.Equal(expected, Ids(page));
        Assert.Equal(_ids.Length - _completedIds.Count, page.GetProperty("totalCount").GetInt32());
    }

    [DatabaseTheory]
    [InlineData("PAGE=2&PAGESIZE=10", 2, 10)]
    [InlineData("Page=2&pagesize=10", 2, 10)]
    [InlineData("page%5B0%5D=abc&pageSize%5B%5D=0&query.page=abc&query.completed=yes&page.x=0", 1, 20)]
    public async Task List_reads_its_parameters_by_name_in_any_case_and_ignores_other_spellings(
        string query, int expectedPage, int expectedPageSize)
    {
        var page = await ListAsync($"/todos?{query}");

        Assert.Equal(expectedPage, page.GetProperty("page").GetInt32());
        Assert.Equal(expectedPageSize, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(_ids.Skip((expectedPage - 1) * expectedPageSize).Take(expectedPageSize), Ids(page));
        Assert.Equal(TodoCount, page.GetProperty("totalCount").GetInt32());
    }

    [DatabaseTheory]
    [InlineData("/todos?page=4&pageSize=10")]
    [InlineData("/todos?page=1000000")]
    [InlineData("/todos?page=2147483647&pageSize=100")]
    public async Task List_past_the_end_is_200_with_no_items_and_the_true_total(string url)
    {
        var page = await ListAsync(url);

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(TodoCount, page.GetProperty("totalCount").GetInt32());
    }

    [DatabaseFact]
    public async Task List_shows_only_the_callers_todos()
    {
        using var other = await app.CreateUserAsync();
        using var created = await other.Client.PostAsync("/todos", Json.Raw("""{"title":"other's"}"""));
        var otherId = (await Json.ReadAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt32();

        using var otherList = await other.Client.GetAsync("/todos");
        var theirs = await Json.ReadAsync(otherList, HttpStatusCode.OK);
        var mine = await ListAsync("/todos?pageSize=100");

        Assert.Equal([otherId], Ids(theirs));
        Assert.Equal(1, theirs.GetProperty("totalCount").GetInt32());
        Assert.DoesNotContain(otherId, Ids(mine));
        Assert.Equal(TodoCount, mine.GetProperty("totalCount").GetInt32());
    }

    [DatabaseTheory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("page=%2B1", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=-1", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=abc", "pageSize")]
    [InlineData("completed=yes", "completed")]
    [InlineData("completed=1", "completed")]
    [InlineData("completed=abc", "completed")]
    [InlineData("completed=TRUE", "completed")]
    [InlineData("page=1%00", "page")]
    [InlineData("page=01", "page")]
    [InlineData("page=1&page=2", "page")]
    [InlineData("pageSize=5&pageSize=5", "pageSize")]
    [InlineData("completed=true&completed=false", "completed")]
    [InlineData("page=0&pageSize=101&completed=yes", "page|pageSize|completed")]
    [InlineData("page=", "page")]
    [InlineData("page", "page")]
    [InlineData("page=%20", "page")]
    [InlineData("pageSize=&page=1", "pageSize")]
    [InlineData("completed=", "completed")]
    [InlineData("completed=%09", "completed")]
    public async Task List_with_invalid_paging_or_filter_is_400_keyed_by_parameter(string query, string fields)
    {
        using var response = await User.Client.GetAsync($"/todos?{query}");

        await Problems.AssertValidationProblemAsync(response, fields.Split('|'));
    }

    private static int[] Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt32())];

    private async Task<JsonElement> ListAsync(string url)
    {
        using var response = await User.Client.GetAsync(url);
        return await Json.ReadAsync(response, HttpStatusCode.OK);
    }
}

public sealed class TodoListTestsOnSqlite(SqliteApplication app) : TodoListTests(app), IClassFixture<SqliteApplication>;

public sealed class TodoListTestsOnPostgres(PostgresApplication app) : TodoListTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
