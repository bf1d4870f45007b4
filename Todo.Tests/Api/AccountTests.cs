using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>Password change and account deletion: the password checked like a login, and every session ended.</summary>
public abstract class AccountTests(TodoApplication app)
{
    private const string NewPassword = "a longer passphrase nobody guesses";

    [DatabaseFact]
    public async Task Changing_the_password_ends_every_session_and_only_the_new_password_logs_in()
    {
        using var user = await app.CreateUserAsync();
        var (otherDevice, otherRefresh) = await app.StartSessionAsync(user.Email);

        using var response = await ChangePasswordAsync(user.Client, TodoApplication.DefaultPassword, NewPassword);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await app.AssertSignedOutAsync(user.AccessToken);
        await app.AssertSignedOutAsync(otherDevice);
        using var client = app.CreateClient();
        await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = otherRefresh }), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await app.PostLoginAsync(user.Email, TodoApplication.DefaultPassword), HttpStatusCode.Unauthorized);
        await Json.ReadAsync(await app.PostLoginAsync(user.Email, NewPassword), HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task A_wrong_current_password_is_401_and_changes_nothing()
    {
        using var user = await app.CreateUserAsync();

        using var response = await ChangePasswordAsync(user.Client, "not the password", NewPassword);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid password.", problem.GetProperty("title").GetString());
        // The route's scheme, without error="invalid_token": the token was fine, the password was not.
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal(("Bearer", null), (challenge.Scheme, challenge.Parameter));
        await Json.ReadAsync(await user.Client.GetAsync("/auth/me"), HttpStatusCode.OK);
        await Json.ReadAsync(await app.PostLoginAsync(user.Email, TodoApplication.DefaultPassword), HttpStatusCode.OK);
    }

    [DatabaseTheory]
    [InlineData("""{"currentPassword":"correct horse battery staple","newPassword":"short"}""", new[] { "newPassword" })]
    [InlineData("""{"newPassword":"a longer passphrase nobody guesses"}""", new[] { "currentPassword" })]
    [InlineData("{}", new[] { "currentPassword", "newPassword" })]
    public async Task A_password_change_with_missing_or_invalid_fields_is_400_keyed_by_field(string json, string[] fields)
    {
        var user = await app.GetSharedUserAsync();

        using var response = await user.Client.PutAsync("/auth/password", Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, fields);
    }

    [DatabaseTheory]
    [InlineData("PUT", "/auth/password", """{"currentPassword":"correct horse battery staple","newPassword":"a longer passphrase nobody guesses"}""")]
    [InlineData("DELETE", "/auth/me", """{"password":"correct horse battery staple"}""")]
    public async Task Without_a_token_the_password_routes_are_401(string method, string path, string json)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json.Raw(json) };

        using var response = await client.SendAsync(request);

        await Problems.AssertUnauthorizedAsync(response);
    }

    [DatabaseFact]
    public async Task Wrong_passwords_on_the_password_routes_count_as_failed_logins_for_the_email()
    {
        await using var strict = TodoApplication.Create(app.Provider, settings: new Dictionary<string, string?> { ["LoginThrottle:MaxFailuresPerEmail"] = "3" });
        using var user = await strict.CreateUserAsync();

        await Problems.AssertProblemAsync(await ChangePasswordAsync(user.Client, "wrong one", NewPassword), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await DeleteAccountAsync(user.Client, "wrong two"), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await ChangePasswordAsync(user.Client, "wrong three", NewPassword), HttpStatusCode.Unauthorized);

        using var login = await strict.PostLoginAsync(user.Email, TodoApplication.DefaultPassword);
        using var change = await ChangePasswordAsync(user.Client, TodoApplication.DefaultPassword, NewPassword);
        using var delete = await DeleteAccountAsync(user.Client, TodoApplication.DefaultPassword);
        foreach (var response in new[] { login, change, delete })
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");
        }

        Assert.Equal(1, await strict.QueryAsync(db => db.Users.CountAsync(u => u.Id == user.Id)));
    }

    [DatabaseFact]
    public async Task Deleting_the_account_deletes_its_todos_and_sessions_and_frees_the_email()
    {
        using var user = await app.CreateUserAsync();
        using var bystander = await app.CreateUserAsync();
        await Json.ReadAsync(await user.Client.PostAsJsonAsync("/todos", new { title = "mine" }), HttpStatusCode.Created);
        await Json.ReadAsync(await bystander.Client.PostAsJsonAsync("/todos", new { title = "theirs" }), HttpStatusCode.Created);
        var (otherDevice, _) = await app.StartSessionAsync(user.Email);

        using var response = await DeleteAccountAsync(user.Client, TodoApplication.DefaultPassword);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await app.AssertSignedOutAsync(user.AccessToken);
        await app.AssertSignedOutAsync(otherDevice);
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Id == user.Id)));
        Assert.Equal(0, await app.QueryAsync(db => db.Todos.CountAsync(todo => todo.OwnerId == user.Id)));
        Assert.Equal(0, await app.QueryAsync(db => db.Sessions.CountAsync(session => session.UserId == user.Id)));
        Assert.Equal(0, await app.QueryAsync(db => db.RefreshTokens.CountAsync(token => !db.Sessions.Any(session => session.Id == token.SessionId))));
        var theirs = await Json.ReadAsync(await bystander.Client.GetAsync("/todos"), HttpStatusCode.OK);
        Assert.Equal(1, theirs.GetProperty("totalCount").GetInt32());

        var again = await app.SignUpAsync(user.Email);
        Assert.NotEqual(user.Id, again);
        using var client = app.CreateClientWithToken(await app.LogInAsync(user.Email));
        var page = await Json.ReadAsync(await client.GetAsync("/todos"), HttpStatusCode.OK);
        Assert.Equal(0, page.GetProperty("totalCount").GetInt32());
    }

    [DatabaseFact]
    public async Task A_wrong_password_does_not_delete_the_account()
    {
        using var user = await app.CreateUserAsync();

        using var response = await DeleteAccountAsync(user.Client, "not the password");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid password.", problem.GetProperty("title").GetString());
        // The route's scheme, without error="invalid_token": the token was fine, the password was not.
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal(("Bearer", null), (challenge.Scheme, challenge.Parameter));
        await Json.ReadAsync(await user.Client.GetAsync("/auth/me"), HttpStatusCode.OK);
    }

    [DatabaseTheory]
    [InlineData("{}")]
    [InlineData("""{"password":""}""")]
    public async Task An_account_deletion_without_a_password_is_400_keyed_password(string json)
    {
        var user = await app.GetSharedUserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/auth/me") { Content = Json.Raw(json) };

        using var response = await user.Client.SendAsync(request);

        await Problems.AssertValidationProblemAsync(response, "password");
    }

    [DatabaseFact]
    public async Task An_account_deletion_without_a_body_is_400_and_deletes_nothing()
    {
        var user = await app.GetSharedUserAsync();

        using var response = await user.Client.DeleteAsync("/auth/me");
        using var me = await user.Client.GetAsync("/auth/me");

        // The contract's failures of DELETE /auth/me are 400, 401, 429 and 503: no body is a missing body.
        await Problems.AssertValidationProblemAsync(response, "body");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string currentPassword, string newPassword) =>
        client.PutAsJsonAsync("/auth/password", new { currentPassword, newPassword });

    private static Task<HttpResponseMessage> DeleteAccountAsync(HttpClient client, string password) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/auth/me") { Content = JsonContent.Create(new { password }) });
}

public sealed class AccountTestsOnSqlite(SqliteApplication app) : AccountTests(app), IClassFixture<SqliteApplication>;

public sealed class AccountTestsOnPostgres(PostgresApplication app) : AccountTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
