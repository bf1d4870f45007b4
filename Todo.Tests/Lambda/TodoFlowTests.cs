using System.Text.Json;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The whole product flow — signup, login, me, every todo route, refresh and logout — as API Gateway proxy events of both payload
/// formats (Todo.Tests/Lambda/Events), through the real entry point, application, SQLite file and JWTs.
/// </summary>
public sealed class TodoFlowTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    [Fact]
    public async Task A_request_the_deadline_cuts_short_is_a_504_problem_not_the_499_of_a_gone_client()
    {
        // Less than the adapter's 0.5 s margin is left: RequestAborted has fired before the application reads the database.
        var response = await fixture.Host.InvokeAsync(
            EventFile.Read(LambdaTestPaths.Own("v2-get-health.json")), deadline: DateTimeOffset.UtcNow.AddMilliseconds(300));

        Assert.Equal(504, response.Status());
        Assert.StartsWith("application/problem+json", Assert.Single(response.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal("The request did not complete in time.", response.Json().GetProperty("title").GetString());
        Assert.Equal(["v2-get-health"], response.Header("X-Correlation-Id")); // the event's request id, as on every response

        var next = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v2-get-health.json"));
        Assert.Equal(200, next.Status());
    }

    [Theory]
    [InlineData("v1", "rest.user@example.com", "/Prod/todos/")]
    [InlineData("v2", "http.user@example.com", "/todos/")]
    public async Task Signup_login_and_the_todo_lifecycle_work_through_proxy_events(string format, string email, string locationPath)
    {
        var values = new Dictionary<string, string>();
        Task<JsonElement> InvokeAsync(string name) => fixture.Host.InvokeFileAsync(LambdaTestPaths.Own($"{format}-{name}.json"), values);

        // The signup event carries its JSON body base64-encoded, as API Gateway does with binary media types on.
        var signup = await InvokeAsync("signup");
        Assert.Equal(201, signup.Status());
        Assert.Equal(email, signup.Json().GetProperty("email").GetString());
        AssertShape(format, signup);

        var login = await InvokeAsync("login");
        Assert.Equal(200, login.Status());
        Assert.Equal("Bearer", login.Json().GetProperty("tokenType").GetString());
        values["token"] = login.Json().GetProperty("accessToken").GetString()!;
        values["refreshToken"] = login.Json().GetProperty("refreshToken").GetString()!;

        var me = await InvokeAsync("me");
        Assert.Equal(200, me.Status());
        Assert.Equal(email, me.Json().GetProperty("email").GetString());

        var created = await InvokeAsync("create-todo");
        Assert.Equal(201, created.Status());
        var todo = created.Json();
        Assert.Equal("Buy milk & eggs — 2 × 🥚", todo.GetProperty("title").GetString());
        values["id"] = todo.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Links carry the stage the application saw as PathBase.
        var location = Assert.Single(created.Header("Location"));
        Assert.EndsWith(locationPath + values["id"], location, StringComparison.Ordinal);
        Assert.Contains("application/json", Assert.Single(created.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal(["nosniff"], created.Header("X-Content-Type-Options"));
        Assert.Equal(["no-store"], created.Header("Cache-Control"));
        Assert.Empty(created.Header("Content-Length"));
        Assert.False(created.GetProperty("isBase64Encoded").GetBoolean());

        var fetched = await InvokeAsync("get-todo");
        Assert.Equal(200, fetched.Status());
        Assert.False(fetched.Json().GetProperty("completed").GetBoolean());
        var etag = Assert.Single(fetched.Header("ETag"));
        Assert.Equal([etag], created.Header("ETag"));

        // If-None-Match reaches the application and the 304 comes back with the ETag and an empty body.
        values["etag"] = etag.Replace("\"", "\\\"", StringComparison.Ordinal);
        var notModified = await InvokeAsync("get-todo-if-none-match");
        Assert.Equal(304, notModified.Status());
        Assert.Equal([etag], notModified.Header("ETag"));
        Assert.Equal(string.Empty, notModified.GetProperty("body").GetString());
        Assert.False(notModified.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Empty(notModified.Header("Content-Type"));

        var replaced = await InvokeAsync("replace-todo");
        Assert.Equal(200, replaced.Status());
        Assert.Equal("Buy oat milk", replaced.Json().GetProperty("title").GetString());

        var updated = await InvokeAsync("update-todo");
        Assert.Equal(200, updated.Status());
        Assert.True(updated.Json().GetProperty("completed").GetBoolean());
        Assert.Equal("Buy oat milk", updated.Json().GetProperty("title").GetString());

        // The todo changed since that ETag: the same conditional GET now sends it in full, with its new ETag.
        var changed = await InvokeAsync("get-todo-if-none-match");
        Assert.Equal(200, changed.Status());
        Assert.Equal(updated.Header("ETag"), changed.Header("ETag"));
        Assert.NotEqual([etag], changed.Header("ETag"));
        Assert.True(changed.Json().GetProperty("completed").GetBoolean());

        // completed=true&page=1&pageSize=10, from multiValueQueryStringParameters (1.0) or rawQueryString (2.0).
        var list = (await InvokeAsync("list-todos")).Json();
        Assert.Equal(1, list.GetProperty("totalCount").GetInt32());
        Assert.Equal(10, list.GetProperty("pageSize").GetInt32());
        Assert.Equal(values["id"], Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var deleted = await InvokeAsync("delete-todo");
        Assert.Equal(204, deleted.Status());
        Assert.Equal(string.Empty, deleted.GetProperty("body").GetString());

        var gone = await InvokeAsync("get-todo");
        Assert.Equal(404, gone.Status());
        Assert.StartsWith("application/problem+json", Assert.Single(gone.Header("Content-Type")), StringComparison.Ordinal);
        Assert.Equal(404, gone.Json().GetProperty("status").GetInt32());
        Assert.Equal(location, gone.Json().GetProperty("instance").GetString()); // under the stage, as Location

        // The session: a refresh rotates both tokens; a logout ends the session at once, in this environment's database.
        var refreshed = await InvokeAsync("refresh");
        Assert.Equal(200, refreshed.Status());
        Assert.Contains("no-store", Assert.Single(refreshed.Header("Cache-Control")), StringComparison.Ordinal);
        Assert.NotEqual(values["refreshToken"], refreshed.Json().GetProperty("refreshToken").GetString());
        values["token"] = refreshed.Json().GetProperty("accessToken").GetString()!;

        var loggedOut = await InvokeAsync("logout");
        Assert.Equal(204, loggedOut.Status());
        Assert.Equal(401, (await InvokeAsync("me")).Status());
        Assert.Equal(401, (await InvokeAsync("refresh")).Status());
    }

    [Fact]
    public async Task A_bad_multi_value_query_parameter_is_a_validation_problem_and_a_made_up_token_is_401()
    {
        var values = new Dictionary<string, string> { ["token"] = "made-up" };
        var unauthorized = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-list-todos-bad-page.json"), values);
        Assert.Equal(401, unauthorized.Status());
        Assert.Equal(["Bearer"], unauthorized.GetProperty("multiValueHeaders").GetProperty("WWW-Authenticate").Strings()
            .Select(challenge => challenge.Split(' ')[0]));

        // The signup may already have happened in the flow test on this fixture; either way login works.
        await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-signup.json"));
        values["token"] = (await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-login.json"))).Json().GetProperty("accessToken").GetString()!;

        var invalid = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-list-todos-bad-page.json"), values);

        Assert.Equal(400, invalid.Status());
        Assert.True(invalid.Json().GetProperty("errors").TryGetProperty("page", out _));
    }

    [Fact]
    public async Task A_todo_route_without_a_token_is_401_problem_details_in_the_HTTP_API_shape()
    {
        var response = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v2-get-todo-no-token.json"));

        Assert.Equal(401, response.Status());
        AssertShape("v2", response);
        Assert.StartsWith("Bearer", Assert.Single(response.Header("WWW-Authenticate")), StringComparison.Ordinal);
        Assert.Equal(401, response.Json().GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task HEAD_has_no_body_and_GET_health_answers()
    {
        var head = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-head-health.json"));
        Assert.Equal(200, head.Status());
        Assert.Equal(string.Empty, head.GetProperty("body").GetString());
        Assert.Empty(head.Header("Content-Length"));

        var get = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v2-get-health.json"));
        Assert.Equal(200, get.Status());
        Assert.NotEmpty(get.BodyBytes());
    }

    private static void AssertShape(string format, JsonElement response)
    {
        if (format == "v1")
        {
            Assert.True(response.TryGetProperty("multiValueHeaders", out _));
            Assert.False(response.TryGetProperty("headers", out _));
        }
        else
        {
            Assert.True(response.TryGetProperty("headers", out _));
            Assert.True(response.TryGetProperty("cookies", out _));
            Assert.False(response.TryGetProperty("multiValueHeaders", out _));
        }
    }

    [Fact]
    public async Task The_openapi_document_names_the_stage_as_its_server_whatever_the_host_header()
    {
        var document = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-openapi.json"), new Dictionary<string, string>());

        Assert.Equal(200, document.Status());
        Assert.Equal(["nosniff"], document.Header("X-Content-Type-Options"));
        var server = Assert.Single(document.Json().GetProperty("servers").EnumerateArray());
        Assert.Equal("/Prod", server.GetProperty("url").GetString());
        Assert.DoesNotContain("evil.example", document.Json().GetRawText(), StringComparison.Ordinal);
    }
}
