using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Sessions as the contract's "Sessions" rules say: refresh with rotation and reuse detection, logout, expiry.</summary>
public abstract class SessionTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Refresh_returns_a_new_pair_of_the_same_session_and_the_new_access_token_works()
    {
        using var user = await app.CreateUserAsync();

        using var response = await RefreshAsync(user.RefreshToken);

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(["accessToken", "expiresIn", "refreshExpiresIn", "refreshToken", "tokenType"], Json.PropertyNames(body));
        Assert.True(response.Headers.CacheControl?.NoStore, "a response carrying a token must say Cache-Control: no-store");
        var (access, refresh) = Tokens(body);
        Assert.NotEqual(user.RefreshToken, refresh);
        Assert.NotEqual(user.AccessToken, access);
        Assert.Equal(Sid(user.AccessToken), Sid(access));
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        using var client = app.CreateClientWithToken(access);
        var me = await Json.ReadAsync(await client.GetAsync("/auth/me"), HttpStatusCode.OK);
        Assert.Equal(user.Id, me.GetProperty("id").GetInt32());
    }

    [DatabaseFact]
    public async Task A_refresh_token_is_256_random_bits_and_stored_only_as_its_hash()
    {
        using var user = await app.CreateUserAsync();

        Assert.True(Convert.FromBase64String(ToBase64(user.RefreshToken)).Length >= 32, "at least 256 bits");
        var stored = await app.QueryAsync(db => db.RefreshTokens.Select(token => token.Hash).ToListAsync());
        var clear = System.Text.Encoding.UTF8.GetBytes(user.RefreshToken);
        Assert.DoesNotContain(stored, hash => hash.AsSpan().SequenceEqual(clear));
        Assert.Contains(stored, hash => hash.AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(clear)));
    }

    [DatabaseFact]
    public async Task A_refresh_token_works_once_and_presenting_it_again_ends_the_whole_session()
    {
        using var user = await app.CreateUserAsync();
        var (access, refresh) = Tokens(await Json.ReadAsync(await RefreshAsync(user.RefreshToken), HttpStatusCode.OK));

        using var reuse = await RefreshAsync(user.RefreshToken);

        await AssertRefreshRefusedAsync(reuse);
        await AssertRefreshRefusedAsync(await RefreshAsync(refresh));
        await app.AssertSignedOutAsync(access);
        await app.AssertSignedOutAsync(user.AccessToken);
    }

    [DatabaseFact]
    public async Task A_login_stores_its_session_and_refresh_token_as_the_model_reads_them_and_a_refresh_adds_the_next_token()
    {
        var before = app.Clock.GetUtcNow().UtcDateTime.AddMilliseconds(-1);
        using var user = await app.CreateUserAsync();
        var after = app.Clock.GetUtcNow().UtcDateTime;
        var sid = Guid.Parse(Sid(user.AccessToken));

        var session = await app.QueryAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sid));
        Assert.Equal(user.Id, session.UserId);
        Assert.Equal(DateTimeKind.Utc, session.CreatedAt.Kind);
        Assert.InRange(session.CreatedAt, before, after);
        Assert.Equal(session.CreatedAt + TimeSpan.FromDays(30), session.ExpiresAt);
        var first = await app.QueryAsync(db => db.RefreshTokens.AsNoTracking().SingleAsync(t => t.SessionId == sid));
        Assert.Equal((1, session.CreatedAt, (DateTime?)null), (first.Generation, first.CreatedAt, first.SpentAt));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(user.RefreshToken)), first.Hash);

        using var refreshed = await RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);

        var tokens = await app.QueryAsync(db => db.RefreshTokens.AsNoTracking().Where(t => t.SessionId == sid).OrderBy(t => t.Generation).ToListAsync());
        Assert.Equal([1, 2], tokens.Select(t => t.Generation));
        Assert.NotNull(tokens[0].SpentAt);
        Assert.Null(tokens[1].SpentAt);
        Assert.InRange(tokens[1].CreatedAt, session.CreatedAt, app.Clock.GetUtcNow().UtcDateTime);
    }

    [DatabaseFact]
    public async Task Of_two_parallel_refreshes_of_one_token_exactly_one_wins_and_the_losers_reuse_ends_the_session()
    {
        for (var round = 0; round < 3; round++)
        {
            using var user = await app.CreateUserAsync();

            var responses = await InParallel.RunAsync(2, _ => RefreshAsync(user.RefreshToken));

            try
            {
                var winners = responses.Where(response => response.StatusCode == HttpStatusCode.OK).ToList();
                Assert.Single(winners);
                await AssertRefreshRefusedAsync(responses.Single(response => response.StatusCode != HttpStatusCode.OK));
                var (access, refresh) = Tokens(await Json.ReadAsync(winners[0], HttpStatusCode.OK));
                await AssertRefreshRefusedAsync(await RefreshAsync(refresh));
                await app.AssertSignedOutAsync(access);
            }
            finally
            {
                Array.ForEach(responses, response => response.Dispose());
            }
        }
    }

    [DatabaseTheory]
    [InlineData("q3Lk8yTb1Vn0aXc2WmZr9PsEoGdHfJiKuQvBwNtYxA4")]
    [InlineData("x")]
    public async Task An_unknown_refresh_token_is_401(string token)
    {
        using var response = await RefreshAsync(token);

        await AssertRefreshRefusedAsync(response);
    }

    [DatabaseTheory]
    [InlineData("{}")]
    [InlineData("""{"refreshToken":""}""")]
    [InlineData("""{"refreshToken":null}""")]
    public async Task A_refresh_without_a_token_is_400_keyed_refreshToken(string json)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/refresh", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, "refreshToken");
    }

    [DatabaseFact]
    public async Task A_refresh_token_with_the_wrong_type_is_400()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/refresh", Json.Raw("""{"refreshToken":42}"""));

        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [DatabaseFact]
    public async Task Logout_ends_this_session_at_once_and_leaves_the_users_other_sessions()
    {
        using var user = await app.CreateUserAsync();
        var (otherAccess, otherRefresh) = await app.StartSessionAsync(user.Email);

        using var response = await user.Client.PostAsync("/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        await app.AssertSignedOutAsync(user.AccessToken);
        await AssertRefreshRefusedAsync(await RefreshAsync(user.RefreshToken));
        using var other = app.CreateClientWithToken(otherAccess);
        await Json.ReadAsync(await other.GetAsync("/todos"), HttpStatusCode.OK);
        await Json.ReadAsync(await RefreshAsync(otherRefresh), HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task Requests_racing_a_logout_are_all_refused_once_the_logout_has_answered()
    {
        using var user = await app.CreateUserAsync();
        using var racer = app.CreateClientWithToken(user.AccessToken);
        await Json.ReadAsync(await racer.GetAsync("/todos"), HttpStatusCode.OK);
        var loggedOut = 0L;
        using var stop = new CancellationTokenSource();

        // Each racer records, per request, whether it started after the logout had answered, and its status.
        async Task<List<(bool AfterLogout, HttpStatusCode Status)>> RaceAsync()
        {
            var seen = new List<(bool, HttpStatusCode)>();
            while (!stop.IsCancellationRequested)
            {
                var after = Interlocked.Read(ref loggedOut) != 0;
                using var response = await racer.GetAsync("/todos", CancellationToken.None);
                seen.Add((after, response.StatusCode));
            }

            return seen;
        }

        var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(RaceAsync)).ToList();
        await Task.Delay(100);
        using (var logout = await user.Client.PostAsync("/auth/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Interlocked.Exchange(ref loggedOut, 1);
        await Task.Delay(200);
        await stop.CancelAsync();
        var seen = (await Task.WhenAll(racers)).SelectMany(r => r).ToList();

        Assert.Contains(seen, r => !r.AfterLogout && r.Status == HttpStatusCode.OK);
        Assert.Contains(seen, r => r.AfterLogout);
        Assert.All(seen.Where(r => r.AfterLogout), r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
    }

    [DatabaseFact]
    public async Task Logout_all_ends_every_session_of_the_user_and_no_one_elses()
    {
        using var user = await app.CreateUserAsync();
        using var bystander = await app.CreateUserAsync();
        var (otherAccess, otherRefresh) = await app.StartSessionAsync(user.Email);

        using var response = await user.Client.PostAsync("/auth/logout-all", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await app.AssertSignedOutAsync(user.AccessToken);
        await app.AssertSignedOutAsync(otherAccess);
        await AssertRefreshRefusedAsync(await RefreshAsync(user.RefreshToken));
        await AssertRefreshRefusedAsync(await RefreshAsync(otherRefresh));
        await Json.ReadAsync(await bystander.Client.GetAsync("/auth/me"), HttpStatusCode.OK);
    }

    [DatabaseTheory]
    [InlineData("/auth/logout")]
    [InlineData("/auth/logout-all")]
    public async Task Logout_without_a_token_is_401(string path)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync(path, null);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task Logging_out_twice_with_the_same_token_is_401_the_second_time()
    {
        using var user = await app.CreateUserAsync();
        using var first = await user.Client.PostAsync("/auth/logout", null);

        using var second = await user.Client.PostAsync("/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        await Problems.AssertUnauthorizedAsync(second);
    }

    [DatabaseFact]
    public async Task Logout_leaves_the_users_todos()
    {
        using var user = await app.CreateUserAsync();
        await Json.ReadAsync(await user.Client.PostAsJsonAsync("/todos", new { title = "kept" }), HttpStatusCode.Created);

        await user.Client.PostAsync("/auth/logout-all", null);

        using var client = app.CreateClientWithToken(await app.LogInAsync(user.Email));
        var page = await Json.ReadAsync(await client.GetAsync("/todos"), HttpStatusCode.OK);
        Assert.Equal(1, page.GetProperty("totalCount").GetInt32());
    }

    [DatabaseFact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_often_it_was_refreshed()
    {
        await using var shortLived = TodoApplication.Create(app.Provider, settings: new Dictionary<string, string?> { ["Sessions:RefreshTokenLifetime"] = "00:10:00" });
        using var user = await shortLived.CreateUserAsync();
        var refresh = user.RefreshToken;
        for (var minute = 0; minute < 9; minute += 3)
        {
            shortLived.Clock.Advance(TimeSpan.FromMinutes(3));
            var body = await Json.ReadAsync(await RefreshAsync(refresh, shortLived), HttpStatusCode.OK);
            refresh = Tokens(body).RefreshToken;
            Assert.InRange(body.GetProperty("refreshExpiresIn").GetInt32(), 0, 600 - ((minute + 3) * 60));
        }

        shortLived.Clock.Advance(TimeSpan.FromMinutes(2));

        await AssertRefreshRefusedAsync(await RefreshAsync(refresh, shortLived));
    }

    [DatabaseFact]
    public async Task Expired_sessions_are_deleted_by_a_later_login()
    {
        await using var shortLived = TodoApplication.Create(app.Provider, settings: new Dictionary<string, string?> { ["Sessions:RefreshTokenLifetime"] = "00:01:00" });
        using var first = await shortLived.CreateUserAsync();
        await shortLived.StartSessionAsync(first.Email);
        Assert.Equal(2, await shortLived.QueryAsync(db => db.Sessions.CountAsync()));

        shortLived.Clock.Advance(TimeSpan.FromMinutes(2));
        using var second = await shortLived.CreateUserAsync();

        var sessions = await shortLived.QueryAsync(db => db.Sessions.Select(session => session.UserId).ToListAsync());
        Assert.Equal([second.Id], sessions);
        Assert.Equal(1, await shortLived.QueryAsync(db => db.RefreshTokens.CountAsync()));
    }

    private static (string AccessToken, string RefreshToken) Tokens(JsonElement body) =>
        (body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);

    private static string Sid(string accessToken) => new JsonWebToken(accessToken).GetClaim(JwtRegisteredClaimNames.Sid).Value;

    private static string ToBase64(string base64Url)
    {
        var padded = base64Url.Replace('-', '+').Replace('_', '/');
        return padded + new string('=', (4 - (padded.Length % 4)) % 4);
    }

    private static async Task AssertRefreshRefusedAsync(HttpResponseMessage response)
    {
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid refresh token.", problem.GetProperty("title").GetString());
    }

    private async Task<HttpResponseMessage> RefreshAsync(string refreshToken, TodoApplication? on = null)
    {
        using var client = (on ?? app).CreateClient();
        return await client.PostAsJsonAsync("/auth/refresh", new { refreshToken });
    }
}

public sealed class SessionTestsOnSqlite(SqliteApplication app) : SessionTests(app), IClassFixture<SqliteApplication>;

public sealed class SessionTestsOnPostgres(PostgresApplication app) : SessionTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
