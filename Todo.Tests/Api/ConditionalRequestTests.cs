using System.Net;
using System.Text.Json;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>ETags, If-None-Match (304) and If-Match (412) on todos, and what the versions behind them guarantee under races.</summary>
public abstract partial class ConditionalRequestTests(TodoApplication app)
{
    private const string UnknownETag = "\"0000000000000000\"";
    private const int Rounds = 8;

    [DatabaseFact]
    public async Task The_etag_is_sent_on_create_get_head_put_and_patch_and_moves_with_every_change_but_not_with_a_read()
    {
        var user = await app.GetSharedUserAsync();

        using var created = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"tagged"}"""));
        await Json.ReadAsync(created, HttpStatusCode.Created);
        var id = Id(created);
        var first = ETagOf(created);
        Assert.Matches(StrongETag(), first);

        Assert.Equal(first, await GetETagAsync(user, HttpMethod.Get, id));
        Assert.Equal(first, await GetETagAsync(user, HttpMethod.Head, id));
        Assert.Equal(first, await GetETagAsync(user, HttpMethod.Get, id));

        using var patched = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}"""));
        await Json.ReadAsync(patched, HttpStatusCode.OK);
        var second = ETagOf(patched);
        Assert.Equal(second, await GetETagAsync(user, HttpMethod.Get, id));

        // The same values again are still a change (updatedAt moves), so the ETag moves too.
        using var replaced = await user.Client.PutAsync($"/todos/{id}", Json.Raw("""{"title":"tagged","completed":true}"""));
        await Json.ReadAsync(replaced, HttpStatusCode.OK);
        var third = ETagOf(replaced);
        Assert.Equal(third, await GetETagAsync(user, HttpMethod.Get, id));

        Assert.Equal(3, new[] { first, second, third }.Distinct(StringComparer.Ordinal).Count());
        Assert.All(new[] { second, third }, etag => Assert.Matches(StrongETag(), etag));
    }

    [DatabaseTheory]
    [InlineData("{0}")]
    [InlineData("W/{0}")]
    [InlineData("\"0000000000000000\", {0}")]
    [InlineData("*")]
    public async Task If_none_match_naming_the_current_etag_is_304_with_the_etag_and_no_body(string format)
    {
        var user = await app.GetSharedUserAsync();
        var (id, etag) = await CreateAsync(user);

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var request = new HttpRequestMessage(method, $"/todos/{id}");
            request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, etag));

            using var response = await user.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, ETagOf(response));
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [DatabaseFact]
    public async Task If_none_match_after_a_change_or_with_another_etag_is_200_with_the_todo()
    {
        var user = await app.GetSharedUserAsync();
        var (id, etag) = await CreateAsync(user);
        using var patched = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"title":"changed"}"""));
        await Json.ReadAsync(patched, HttpStatusCode.OK);

        foreach (var stale in new[] { etag, UnknownETag, "not even a tag" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/todos/{id}");
            request.Headers.TryAddWithoutValidation("If-None-Match", stale);

            using var response = await user.Client.SendAsync(request);

            Assert.Equal("changed", (await Json.ReadAsync(response, HttpStatusCode.OK)).GetProperty("title").GetString());
            Assert.Equal(ETagOf(patched), ETagOf(response));
        }
    }

    [DatabaseTheory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task A_stale_if_match_is_412_and_changes_nothing(string method)
    {
        var user = await app.GetSharedUserAsync();
        var (id, stale) = await CreateAsync(user);
        using var patched = await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"title":"current"}"""));
        var current = await Json.ReadAsync(patched, HttpStatusCode.OK);

        using var response = await SendAsync(user, method, id, stale);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.13", problem.GetProperty("type").GetString());
        using var fetched = await user.Client.GetAsync($"/todos/{id}");
        Assert.Equal(current.GetRawText(), (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetRawText());
        Assert.Equal(ETagOf(patched), ETagOf(fetched));
    }

    [DatabaseTheory]
    [InlineData("PUT", "{0}")]
    [InlineData("PATCH", "{0}")]
    [InlineData("DELETE", "{0}")]
    [InlineData("PUT", "*")]
    [InlineData("PATCH", "*")]
    [InlineData("DELETE", "*")]
    [InlineData("PATCH", "\"0000000000000000\", {0}")]
    [InlineData("DELETE", "W/{0}, {0}")]
    public async Task An_if_match_naming_the_current_etag_or_star_proceeds(string method, string format)
    {
        var user = await app.GetSharedUserAsync();
        var (id, etag) = await CreateAsync(user);

        using var response = await SendAsync(user, method, id, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, etag));

        if (method == "DELETE")
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            using var gone = await user.Client.GetAsync($"/todos/{id}");
            await Problems.AssertProblemAsync(gone, HttpStatusCode.NotFound);
            return;
        }

        var todo = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("sent", todo.GetProperty("title").GetString());
        Assert.NotEqual(etag, ETagOf(response));
        Assert.Equal(ETagOf(response), await GetETagAsync(user, HttpMethod.Get, id));
    }

    [DatabaseTheory]
    [InlineData("PATCH", "W/{0}")]
    [InlineData("PUT", "W/{0}")]
    [InlineData("DELETE", "W/{0}")]
    [InlineData("PATCH", "\"0000000000000000\"")]
    [InlineData("PATCH", "{0}x")]
    [InlineData("PATCH", "unquoted")]
    [InlineData("PATCH", "\"0000000000000000\", *")] // * or a list of tags, never both (RFC 9110 §13.1.1)
    [InlineData("PATCH", "*, {0}")]
    [InlineData("PUT", "{0}, *")]
    [InlineData("DELETE", "*, \"0000000000000000\"")]
    [InlineData("DELETE", "*, *")]
    public async Task A_weak_unknown_or_malformed_if_match_never_matches(string method, string format)
    {
        var user = await app.GetSharedUserAsync();
        var (id, etag) = await CreateAsync(user);

        using var response = await SendAsync(user, method, id, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, etag));

        await Problems.AssertProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(etag, await GetETagAsync(user, HttpMethod.Get, id));
    }

    [DatabaseTheory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task If_match_on_a_todo_that_does_not_exist_is_404_not_412(string method)
    {
        var user = await app.GetSharedUserAsync();
        var (id, etag) = await CreateAsync(user);
        using var deleted = await user.Client.DeleteAsync($"/todos/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        foreach (var condition in new[] { etag, "*" })
        {
            using var response = await SendAsync(user, method, id, condition);
            await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
    }

    [DatabaseFact]
    public async Task A_todo_created_after_a_delete_never_has_an_etag_of_the_deleted_one()
    {
        var user = await app.GetSharedUserAsync();
        var (oldId, oldETag) = await CreateAsync(user);
        using var deleted = await user.Client.DeleteAsync($"/todos/{oldId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // On SQLite the new todo may well get the same id; its version is a fresh random value all the same.
        var (id, etag) = await CreateAsync(user);

        Assert.NotEqual(oldETag, etag);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/todos/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", oldETag);
        using var response = await user.Client.SendAsync(request);
        await Json.ReadAsync(response, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task Two_patches_racing_with_the_same_if_match_give_exactly_one_200_and_one_412()
    {
        var user = await app.GetSharedUserAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var (id, etag) = await CreateAsync(user);

            var results = await InParallel.RunAsync(2, async index =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Patch, $"/todos/{id}") { Content = Json.Of(new { title = $"writer {index}" }) };
                request.Headers.TryAddWithoutValidation("If-Match", etag);
                using var response = await user.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, Body: body, ETag: response.Headers.ETag?.ToString());
            });

            var winner = Assert.Single(results, result => result.StatusCode == HttpStatusCode.OK);
            Assert.Single(results, result => result.StatusCode == HttpStatusCode.PreconditionFailed);
            using var fetched = await user.Client.GetAsync($"/todos/{id}");
            Assert.Equal(winner.Body, (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetRawText());
            Assert.Equal(winner.ETag, ETagOf(fetched));
        }
    }

    [DatabaseFact]
    public async Task Parallel_patches_of_different_fields_without_if_match_are_both_kept()
    {
        var user = await app.GetSharedUserAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var (id, _) = await CreateAsync(user);

            // Both read the same version; the one that saves second finds it moved on, reads again and re-applies its
            // field on top of the other's. A read runs alongside and changes nothing.
            var statuses = await InParallel.RunAsync(3, async index =>
            {
                using var response = index switch
                {
                    0 => await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"title":"renamed"}""")),
                    1 => await user.Client.PatchAsync($"/todos/{id}", Json.Raw("""{"completed":true}""")),
                    _ => await user.Client.GetAsync($"/todos/{id}"),
                };
                return response.StatusCode;
            });

            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
            using var fetched = await user.Client.GetAsync($"/todos/{id}");
            var todo = await Json.ReadAsync(fetched, HttpStatusCode.OK);
            Assert.Equal("renamed", todo.GetProperty("title").GetString());
            Assert.True(todo.GetProperty("completed").GetBoolean());
        }
    }

    private static async Task<(int Id, string ETag)> CreateAsync(TestUser user)
    {
        using var response = await user.Client.PostAsync("/todos", Json.Raw("""{"title":"conditional"}"""));
        await Json.ReadAsync(response, HttpStatusCode.Created);
        return (Id(response), ETagOf(response));
    }

    private static Task<HttpResponseMessage> SendAsync(TestUser user, string method, int id, string ifMatch)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), $"/todos/{id}")
        {
            Content = method switch
            {
                "PUT" => Json.Raw("""{"title":"sent","completed":true}"""),
                "PATCH" => Json.Raw("""{"title":"sent"}"""),
                _ => null,
            },
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return user.Client.SendAsync(request);
    }

    private static async Task<string> GetETagAsync(TestUser user, HttpMethod method, int id)
    {
        using var request = new HttpRequestMessage(method, $"/todos/{id}");
        using var response = await user.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ETagOf(response);
    }

    private static int Id(HttpResponseMessage response) =>
        int.Parse(response.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ETag header exactly as sent (one value).</summary>
    private static string ETagOf(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("ETag"));

    [System.Text.RegularExpressions.GeneratedRegex("^\"[0-9a-f]{16}\"$")]
    private static partial System.Text.RegularExpressions.Regex StrongETag();
}

public sealed class ConditionalRequestTestsOnSqlite(SqliteApplication app) : ConditionalRequestTests(app), IClassFixture<SqliteApplication>;

public sealed class ConditionalRequestTestsOnPostgres(PostgresApplication app) : ConditionalRequestTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
