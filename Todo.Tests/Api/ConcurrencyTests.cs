using System.Net;
using Todo.Api.Infrastructure;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

public abstract class ConcurrencyTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Fifty_parallel_creates_by_one_user_all_land_with_distinct_ids()
    {
        using var user = await app.CreateUserAsync();

        var responses = await InParallel.RunAsync(50, async index =>
        {
            using var response = await user.Client.PostAsync("/todos", Json.Of(new { title = $"parallel {index}" }));
            return await Json.ReadAsync(response, HttpStatusCode.Created);
        });

        var ids = responses.Select(todo => todo.GetProperty("id").GetInt32()).ToHashSet();
        Assert.Equal(50, ids.Count);
        using var list = await user.Client.GetAsync("/todos?pageSize=100");
        var page = await Json.ReadAsync(list, HttpStatusCode.OK);
        Assert.Equal(50, page.GetProperty("totalCount").GetInt32());
        var listed = page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Order(), listed);
        Assert.Equal(
            Enumerable.Range(0, 50).Select(index => $"parallel {index}").Order(StringComparer.Ordinal),
            page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("title").GetString()).Order(StringComparer.Ordinal));
    }

    [DatabaseFact]
    public async Task Parallel_signups_of_one_email_in_different_cases_create_exactly_one_account()
    {
        var email = TodoApplication.NewEmail("Race");

        var responses = await InParallel.RunAsync(8, index =>
            app.PostSignupAsync(index % 2 == 0 ? email : $" {email.ToUpperInvariant()} ", TodoApplication.DefaultPassword));

        try
        {
            Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
            foreach (var response in responses.Where(response => response.StatusCode != HttpStatusCode.Created))
            {
                await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [DatabaseFact]
    public async Task Parallel_deletes_and_patches_of_one_todo_answer_204_200_or_404_never_500()
    {
        using var user = await app.CreateUserAsync();
        using var created = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"contended"}"""));
        var id = (await Json.ReadAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt32();

        var statuses = await InParallel.RunAsync(20, async index =>
        {
            using var response = index % 2 == 0
                ? await user.Client.DeleteAsync($"/todos/{id}")
                : await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}"""));
            return response.StatusCode;
        });

        Assert.Single(statuses, status => status == HttpStatusCode.NoContent);
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.NoContent, HttpStatusCode.OK, HttpStatusCode.NotFound }));
        using var gone = await user.Client.GetAsync($"/todos/{id}");
        await Problems.AssertProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [DatabaseFact]
    public async Task Parallel_patches_of_one_todo_leave_it_consistent()
    {
        using var user = await app.CreateUserAsync();
        using var created = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"contended"}"""));
        var id = (await Json.ReadAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt32();

        var statuses = await InParallel.RunAsync(20, async index =>
        {
            using var response = await user.Client.PatchAsync($"/todos/{id}", Json.Of(new { title = $"writer {index}" }));
            return response.StatusCode;
        });

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        using var fetched = await user.Client.GetAsync($"/todos/{id}");
        var title = (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetProperty("title").GetString();
        Assert.Matches("^writer ([0-9]|1[0-9])$", title);
    }
}

public sealed class ConcurrencyTestsOnSqlite(SqliteApplication app) : ConcurrencyTests(app), IClassFixture<SqliteApplication>
{
    [Fact]
    public async Task Under_steady_concurrent_reads_and_writes_the_write_ahead_log_stays_short()
    {
        // A fresh database, so that the log holds only these writes. Without the gate's checkpoints some reader is
        // always in the log when a write begins, SQLite never restarts it, and each create adds four pages to it for
        // good (8 MiB here, against 3 with them).
        using var fresh = TodoApplication.Create(DatabaseProvider.Sqlite);
        using var user = await fresh.CreateUserAsync();

        var created = await InParallel.RunAsync(16, async worker =>
        {
            for (var round = 0; round < 120; round++)
            {
                using var create = await user.Client.PostAsync("/todos", Json.Of(new { title = $"worker {worker} round {round}" }));
                Assert.Equal(HttpStatusCode.Created, create.StatusCode);
                for (var read = 0; read < 3; read++)
                {
                    using var list = await user.Client.GetAsync("/todos?pageSize=5");
                    Assert.Equal(HttpStatusCode.OK, list.StatusCode);
                }
            }

            return 120;
        });

        using var page = await user.Client.GetAsync("/todos?pageSize=1");
        Assert.Equal(created.Sum(), (await Json.ReadAsync(page, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32());
        var log = new FileInfo(fresh.DatabaseName + "-wal");
        Assert.True(log.Length < 6 << 20, $"the write-ahead log grew to {log.Length >> 20} MiB");
    }
}

public sealed class ConcurrencyTestsOnPostgres(PostgresApplication app) : ConcurrencyTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
