using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

public abstract class TodoCrudTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Create_returns_201_with_a_location_and_the_todo()
    {
        using var user = await app.CreateUserAsync();
        var before = DateTime.UtcNow.AddSeconds(-1);

        using var response = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"Buy milk"}"""));

        var todo = await Json.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(["completed", "createdAt", "id", "title", "updatedAt"], Json.PropertyNames(todo));
        var id = todo.GetProperty("id").GetInt32();
        Assert.True(id > 0);
        Assert.Equal("Buy milk", todo.GetProperty("title").GetString());
        Assert.False(todo.GetProperty("completed").GetBoolean());
        var createdAt = UtcTimestamp(todo, "createdAt");
        Assert.InRange(createdAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(createdAt, UtcTimestamp(todo, "updatedAt"));

        var location = response.Headers.Location;
        Assert.NotNull(location);
        Assert.Equal($"/todos/{id}", location.OriginalString);
        using var fetched = await user.Client.GetAsync(location);
        Assert.Equal(todo.GetRawText(), (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetRawText());
    }

    [DatabaseTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Create_takes_completed_when_given(bool completed)
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.PostAsync("/todos", Json.Of(new { title = "t", completed }));

        Assert.Equal(completed, (await Json.ReadAsync(response, HttpStatusCode.Created)).GetProperty("completed").GetBoolean());
    }

    [DatabaseFact]
    public async Task Create_trims_the_title()
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.PostAsync("/todos", Json.Of(new { title = " \t Buy milk \n " }));

        Assert.Equal("Buy milk", (await Json.ReadAsync(response, HttpStatusCode.Created)).GetProperty("title").GetString());
    }

    [DatabaseTheory]
    [InlineData("🎉 Party 👩‍👩‍👧‍👦 🏳️‍🌈")]
    [InlineData("買い物リスト 中文 한국어")]
    [InlineData("שלום עולם مرحبا بالعالم")]
    [InlineData("Cafe\u0301 vs Café")]
    [InlineData("quotes \" and \\ backslash <script>&amp;</script>")]
    public async Task Create_keeps_any_unicode_title_exactly_as_sent(string title)
    {
        using var user = await app.CreateUserAsync();

        using var created = await user.Client.PostAsync("/todos", Json.Of(new { title }));
        var todo = await Json.ReadAsync(created, HttpStatusCode.Created);
        using var fetched = await user.Client.GetAsync($"/todos/{todo.GetProperty("id").GetInt32()}");

        Assert.Equal(title, todo.GetProperty("title").GetString());
        Assert.Equal(title, (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetProperty("title").GetString());
    }

    [DatabaseTheory]
    [InlineData("x", 200)]
    [InlineData("😀", 200)]
    public async Task Create_accepts_a_title_of_200_characters(string character, int count)
    {
        using var user = await app.CreateUserAsync();
        var title = string.Concat(Enumerable.Repeat(character, count));

        using var response = await user.Client.PostAsync("/todos", Json.Of(new { title = $"  {title}  " }));

        Assert.Equal(title, (await Json.ReadAsync(response, HttpStatusCode.Created)).GetProperty("title").GetString());
    }

    [DatabaseTheory]
    [InlineData("""{"title":""}""")]
    [InlineData("""{"title":"   \t\n "}""")]
    [InlineData("""{"title":null}""")]
    [InlineData("""{"completed":true}""")]
    [InlineData("{}")]
    public async Task Create_without_a_title_is_400_keyed_title(string json)
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.PostAsync("/todos", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, "title");
        await AssertTodoCountAsync(user, 0);
    }

    [DatabaseTheory]
    [InlineData("x")]
    [InlineData("😀")]
    public async Task Create_with_a_title_of_201_characters_is_400_keyed_title(string character)
    {
        using var user = await app.CreateUserAsync();

        using var response = await user.Client.PostAsync("/todos", Json.Of(new { title = string.Concat(Enumerable.Repeat(character, 201)) }));

        await Problems.AssertValidationProblemAsync(response, "title");
    }

    [DatabaseFact]
    public async Task Create_ignores_id_owner_and_timestamps_in_the_body()
    {
        using var owner = await app.CreateUserAsync();
        using var other = await app.CreateUserAsync();
        var json = $$"""
            {"title":"mine","id":424242,"ownerId":{{other.Id}},"owner":{{other.Id}},"userId":{{other.Id}},
             "createdAt":"2000-01-01T00:00:00Z","updatedAt":"2000-01-01T00:00:00Z"}
            """;

        using var response = await owner.Client.PostAsync("/todos", Json.Raw(json));

        var todo = await Json.ReadAsync(response, HttpStatusCode.Created);
        var id = todo.GetProperty("id").GetInt32();
        Assert.NotEqual(424242, id);
        Assert.True(UtcTimestamp(todo, "createdAt").Year > 2000);
        Assert.True(UtcTimestamp(todo, "updatedAt").Year > 2000);
        using var asOwner = await owner.Client.GetAsync($"/todos/{id}");
        using var asOther = await other.Client.GetAsync($"/todos/{id}");
        await Json.ReadAsync(asOwner, HttpStatusCode.OK);
        await Problems.AssertProblemAsync(asOther, HttpStatusCode.NotFound);
    }

    [DatabaseFact]
    public async Task Get_returns_the_todo()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "read me", completed: true);

        using var response = await user.Client.GetAsync($"/todos/{created.GetProperty("id").GetInt32()}");

        Assert.Equal(created.GetRawText(), (await Json.ReadAsync(response, HttpStatusCode.OK)).GetRawText());
    }

    [DatabaseFact]
    public async Task Get_of_another_users_todo_is_404_not_403()
    {
        using var owner = await app.CreateUserAsync();
        using var other = await app.CreateUserAsync();
        var id = (await CreateAsync(owner, "private")).GetProperty("id").GetInt32();

        using var response = await other.Client.GetAsync($"/todos/{id}");

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [DatabaseTheory]
    [InlineData("GET", "0")]
    [InlineData("GET", "-1")]
    [InlineData("GET", "abc")]
    [InlineData("GET", "99999999999")]
    [InlineData("GET", "1.5")]
    [InlineData("GET", "2147483647")]
    [InlineData("GET", "%2B{id}")]
    [InlineData("GET", "0{id}")]
    [InlineData("GET", "{id}%20")]
    [InlineData("GET", "%20{id}")]
    [InlineData("DELETE", "0{id}")]
    [InlineData("PUT", "0")]
    [InlineData("PUT", "abc")]
    [InlineData("PATCH", "-1")]
    [InlineData("PATCH", "99999999999")]
    [InlineData("DELETE", "0")]
    [InlineData("DELETE", "abc")]
    public async Task An_id_that_is_not_a_positive_integer_or_unknown_is_404_problem(string method, string id)
    {
        using var user = await app.CreateUserAsync();

        // "{id}" stands for a todo that exists: spelt any other way than its canonical digits, it is still not found.
        var existing = (await CreateAsync(user, "exists", completed: false)).GetProperty("id").GetInt32();
        var path = $"/todos/{id.Replace("{id}", existing.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}";
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "PATCH")
        {
            request.Content = Json.Raw("""{"title":"t","completed":true}""");
        }

        using var response = await user.Client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [DatabaseFact]
    public async Task Put_replaces_title_and_completed()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "old", completed: false);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PutAsync($"/todos/{id}", Json.Raw("""{"title":"  new  ","completed":true,"id":999}"""));

        var replaced = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(id, replaced.GetProperty("id").GetInt32());
        Assert.Equal("new", replaced.GetProperty("title").GetString());
        Assert.True(replaced.GetProperty("completed").GetBoolean());
        Assert.Equal(UtcTimestamp(created, "createdAt"), UtcTimestamp(replaced, "createdAt"));
        Assert.True(UtcTimestamp(replaced, "updatedAt") > UtcTimestamp(created, "updatedAt"));
        Assert.Equal(replaced.GetRawText(), (await GetAsync(user, id)).GetRawText());
    }

    [DatabaseTheory]
    [InlineData("""{"title":"only a title"}""", "completed")]
    [InlineData("""{"title":"null completed","completed":null}""", "completed")]
    [InlineData("""{"completed":true}""", "title")]
    [InlineData("""{"title":"  ","completed":true}""", "title")]
    [InlineData("{}", "title|completed")]
    public async Task Put_without_title_or_completed_is_400_and_changes_nothing(string json, string fields)
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "keep me", completed: true);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PutAsync($"/todos/{id}", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, fields.Split('|'));
        Assert.Equal(created.GetRawText(), (await GetAsync(user, id)).GetRawText());
    }

    [DatabaseFact]
    public async Task Patch_with_only_completed_leaves_the_title_unchanged()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "Title stays", completed: false);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}"""));

        var patched = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("Title stays", patched.GetProperty("title").GetString());
        Assert.True(patched.GetProperty("completed").GetBoolean());
        Assert.Equal(patched.GetRawText(), (await GetAsync(user, id)).GetRawText());
    }

    [DatabaseFact]
    public async Task Patch_with_only_title_leaves_completed_unchanged_and_trims()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "old", completed: true);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"title":"  renamed  "}"""));

        var patched = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("renamed", patched.GetProperty("title").GetString());
        Assert.True(patched.GetProperty("completed").GetBoolean());
    }

    [DatabaseFact]
    public async Task Patch_with_an_empty_object_changes_no_field()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "same", completed: true);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("{}"));

        var patched = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("same", patched.GetProperty("title").GetString());
        Assert.True(patched.GetProperty("completed").GetBoolean());
        Assert.Equal(UtcTimestamp(created, "createdAt"), UtcTimestamp(patched, "createdAt"));
    }

    [DatabaseFact]
    public async Task Patch_changes_updatedAt_and_not_createdAt()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "timestamps");
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}"""));

        var patched = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(UtcTimestamp(created, "createdAt"), UtcTimestamp(patched, "createdAt"));
        Assert.True(UtcTimestamp(patched, "updatedAt") > UtcTimestamp(created, "updatedAt"));
        var stored = await GetAsync(user, id);
        Assert.Equal(UtcTimestamp(patched, "updatedAt"), UtcTimestamp(stored, "updatedAt"));
    }

    [DatabaseFact]
    public async Task A_changed_todo_reads_back_by_get_and_by_list_as_the_model_stored_it_with_the_etag_of_its_change()
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "stored");
        var id = created.GetProperty("id").GetInt32();
        using var patch = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}"""));
        var patched = await Json.ReadAsync(patch, HttpStatusCode.OK);

        using var fetched = await user.Client.GetAsync($"/todos/{id}");
        using var list = await user.Client.GetAsync("/todos?completed=true");
        var listed = await Json.ReadAsync(list, HttpStatusCode.OK);

        Assert.Equal(patched.GetRawText(), (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetRawText());
        Assert.Equal(patch.Headers.ETag, fetched.Headers.ETag);
        Assert.Equal(patched.GetRawText(), Assert.Single(listed.GetProperty("items").EnumerateArray()).GetRawText());
        var stored = await app.QueryAsync(db => db.Todos.AsNoTracking().SingleAsync(todo => todo.Id == id));
        Assert.Equal((user.Id, "stored", true), (stored.OwnerId, stored.Title, stored.Completed));
        Assert.Equal((stored.CreatedAt, stored.UpdatedAt), (UtcTimestamp(patched, "createdAt"), UtcTimestamp(patched, "updatedAt")));
        Assert.Equal($"\"{(ulong)stored.Version:x16}\"", fetched.Headers.ETag?.Tag);
    }

    [DatabaseTheory]
    [InlineData("""{"title":null}""", "title")]
    [InlineData("""{"completed":null}""", "completed")]
    [InlineData("""{"title":"","completed":true}""", "title")]
    [InlineData("""{"title":"   "}""", "title")]
    public async Task Patch_with_an_explicit_null_or_empty_title_is_400_and_changes_nothing(string json, string field)
    {
        using var user = await app.CreateUserAsync();
        var created = await CreateAsync(user, "untouched", completed: false);
        var id = created.GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal(created.GetRawText(), (await GetAsync(user, id)).GetRawText());
    }

    [DatabaseFact]
    public async Task Patch_with_a_title_of_201_characters_is_400()
    {
        using var user = await app.CreateUserAsync();
        var id = (await CreateAsync(user, "short")).GetProperty("id").GetInt32();

        using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Of(new { title = new string('x', 201) }));

        await Problems.AssertValidationProblemAsync(response, "title");
    }

    [DatabaseFact]
    public async Task Delete_is_204_and_then_the_todo_is_gone()
    {
        using var user = await app.CreateUserAsync();
        var id = (await CreateAsync(user, "delete me")).GetProperty("id").GetInt32();

        using var deleted = await user.Client.DeleteAsync($"/todos/{id}");
        using var fetched = await user.Client.GetAsync($"/todos/{id}");
        using var deletedAgain = await user.Client.DeleteAsync($"/todos/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        await Problems.AssertProblemAsync(fetched, HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(deletedAgain, HttpStatusCode.NotFound);
    }

    [DatabaseTheory]
    [InlineData("PUT", """{"title":"hijacked","completed":true}""")]
    [InlineData("PATCH", """{"title":"hijacked"}""")]
    [InlineData("DELETE", null)]
    public async Task Another_users_todo_cannot_be_changed_or_deleted_and_stays_unchanged(string method, string? json)
    {
        using var owner = await app.CreateUserAsync();
        using var intruder = await app.CreateUserAsync();
        var created = await CreateAsync(owner, "mine", completed: false);
        var id = created.GetProperty("id").GetInt32();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/todos/{id}")
        {
            Content = json is null ? null : Json.Raw(json),
        };

        using var response = await intruder.Client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(created.GetRawText(), (await GetAsync(owner, id)).GetRawText());
    }

    protected static DateTime UtcTimestamp(JsonElement todo, string name)
    {
        var text = todo.GetProperty(name).GetString()!;
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    protected static async Task<JsonElement> CreateAsync(TestUser user, string title, bool completed = false)
    {
        using var response = await user.Client.PostAsync("/todos", Json.Of(new { title, completed }));
        return await Json.ReadAsync(response, HttpStatusCode.Created);
    }

    [DatabaseFact]
    public async Task The_counts_follow_parallel_creates_completions_and_deletes_with_and_without_the_filter()
    {
        using var user = await app.CreateUserAsync();
        using var other = await app.CreateUserAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, 12).Select(async index =>
        {
            using var created = await user.Client.PostAsync("/todos", Json.Raw($$"""{"title":"todo {{index}}","completed":{{(index < 4 ? "true" : "false")}}}"""));
            return (await Json.ReadAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt32();
        }));
        using (await other.Client.PostAsync("/todos", Json.Raw("""{"title":"someone else's","completed":true}""")))
        {
        }

        // Completing one twice counts once; un-completing one of the first four; deleting a completed and an open one.
        await Task.WhenAll(
            PatchAsync(ids[4], """{"completed":true}"""),
            PatchAsync(ids[4], """{"completed":true}"""),
            PatchAsync(ids[0], """{"completed":false}"""),
            PatchAsync(ids[5], """{"title":"renamed"}"""));
        using (var deleted = await user.Client.DeleteAsync($"/todos/{ids[1]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var deleted = await user.Client.DeleteAsync($"/todos/{ids[11]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Completed now: 2, 3 and 4 of the first; open: 0 and 5 to 10.
        Assert.Equal(10, await TotalCountAsync(""));
        Assert.Equal(3, await TotalCountAsync("&completed=true"));
        Assert.Equal(7, await TotalCountAsync("&completed=false"));

        async Task PatchAsync(int id, string body)
        {
            using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Raw(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        async Task<int> TotalCountAsync(string filter)
        {
            using var response = await user.Client.GetAsync($"/todos?page=1&pageSize=100{filter}");
            var page = await Json.ReadAsync(response, HttpStatusCode.OK);
            Assert.Equal(page.GetProperty("items").GetArrayLength(), page.GetProperty("totalCount").GetInt32());
            return page.GetProperty("totalCount").GetInt32();
        }
    }

    protected static async Task<JsonElement> GetAsync(TestUser user, int id)
    {
        using var response = await user.Client.GetAsync($"/todos/{id}");
        return await Json.ReadAsync(response, HttpStatusCode.OK);
    }

    private static async Task AssertTodoCountAsync(TestUser user, int expected)
    {
        using var response = await user.Client.GetAsync("/todos");
        Assert.Equal(expected, (await Json.ReadAsync(response, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32());
    }
}

public sealed class TodoCrudTestsOnSqlite(SqliteApplication app) : TodoCrudTests(app), IClassFixture<SqliteApplication>
{
    // SQLite keeps times as text. The API reads EF Core's own form digit by digit; Microsoft.Data.Sqlite's parse,
    // which EF Core's LINQ read uses, is the reference, and any other form must still read as it reads it.
    [Theory]
    [InlineData("2026-12-07 00:42:45.7849481")] // seven digits of fraction, as EF Core writes most times
    [InlineData("2026-12-07 00:42:45.78")] // trailing zeros left out
    [InlineData("2026-12-07 00:42:45.0000001")]
    [InlineData("2026-12-07 00:42:45")] // a whole second has no fraction
    [InlineData("2028-02-29 23:59:59.9999999")] // a leap day's last tick
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.9999999")]
    [InlineData("2026-12-07T00:42:45.123")] // other forms a database may hold: read by the provider
    [InlineData("2026-12-07 00:42")]
    [InlineData("2026-12-7 00:42:45")]
    [InlineData("2026-12-07 00:42:45.12345678")]
    public async Task A_time_stored_as_text_reads_back_by_get_and_by_list_as_the_provider_reads_it(string text)
    {
        using var user = await app.CreateUserAsync();
        var id = (await CreateAsync(user, "stored as text")).GetProperty("id").GetInt32();
        await app.ExecuteSqlAsync($"UPDATE Todos SET CreatedAt = '{text}', UpdatedAt = '{text}' WHERE Id = {id}");

        var stored = await app.QueryAsync(db => db.Todos.AsNoTracking().SingleAsync(todo => todo.Id == id));
        var fetched = await GetAsync(user, id);
        using var list = await user.Client.GetAsync("/todos");
        var listed = Assert.Single((await Json.ReadAsync(list, HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        Assert.Equal(DateTimeKind.Utc, stored.CreatedAt.Kind);
        Assert.Equal(stored.CreatedAt, UtcTimestamp(fetched, "createdAt"));
        Assert.Equal(stored.UpdatedAt, UtcTimestamp(fetched, "updatedAt"));
        Assert.Equal(fetched.GetRawText(), listed.GetRawText());
    }
}

public sealed class TodoCrudTestsOnPostgres(PostgresApplication app) : TodoCrudTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
