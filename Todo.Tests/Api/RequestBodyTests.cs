using System.Net;
using System.Text;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>What the API does with bodies that are not the JSON object it expects.</summary>
public abstract class RequestBodyTests(TodoApplication app) : IAsyncLifetime
{
    private const int MaxBodyBytes = 65_536;

    private TestUser? _user;
    private int _todoId;

    private TestUser User => _user ?? throw new InvalidOperationException("Not initialised.");

    public static TheoryData<string, string> JsonRoutes => new()
    {
        { "POST", "/todos" },
        { "PUT", "/todos/{id}" },
        { "PATCH", "/todos/{id}" },
        { "POST", "/auth/signup" },
        { "POST", "/auth/login" },
    };

    public async Task InitializeAsync()
    {
        _user = await app.GetSharedUserAsync();
        using var response = await User.Client.PostAsync("/todos", Json.Raw("""{"title":"body target"}"""));
        _todoId = (await Json.ReadAsync(response, HttpStatusCode.Created)).GetProperty("id").GetInt32();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task Malformed_json_is_400(string method, string path)
    {
        using var response = await SendAsync(method, path, Json.Raw("""{"title": "unterminated"""));

        await AssertValidationProblemAsync(response);
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task An_empty_body_is_400(string method, string path)
    {
        using var response = await SendAsync(method, path, Json.Raw(string.Empty));

        await AssertValidationProblemAsync(response);
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task No_body_and_no_content_type_is_the_400_of_a_missing_body_not_a_415(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", _todoId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        using var response = await User.Client.SendAsync(request);

        await Problems.AssertValidationProblemAsync(response, "body");
    }

    [DatabaseTheory]
    [InlineData("""[{"title":"in an array"}]""")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public async Task Json_that_is_not_an_object_is_400(string json)
    {
        foreach (var (method, path) in new[] { ("POST", "/todos"), ("PUT", "/todos/{id}"), ("PATCH", "/todos/{id}"), ("POST", "/auth/signup") })
        {
            using var response = await SendAsync(method, path, Json.Raw(json));

            await AssertValidationProblemAsync(response);
        }
    }

    [DatabaseTheory]
    [InlineData("POST", "/todos", """{"title":"t","completed":"yes"}""", "completed")]
    [InlineData("POST", "/todos", """{"title":5}""", "title")]
    [InlineData("POST", "/todos", """{"title":"t","completed":1}""", "completed")]
    [InlineData("POST", "/todos", """{"title":["a"]}""", "title")]
    [InlineData("PUT", "/todos/{id}", """{"title":"t","completed":"true"}""", "completed")]
    [InlineData("PUT", "/todos/{id}", """{"title":{"text":"t"},"completed":true}""", "title")]
    [InlineData("PATCH", "/todos/{id}", """{"completed":"yes"}""", "completed")]
    [InlineData("PATCH", "/todos/{id}", """{"title":false}""", "title")]
    [InlineData("POST", "/auth/signup", """{"email":5,"password":"long enough"}""", "email")]
    [InlineData("POST", "/auth/login", """{"email":"a@example.com","password":12345678}""", "password")]
    public async Task A_wrongly_typed_field_is_400_keyed_by_that_field(string method, string path, string json, string field)
    {
        using var response = await SendAsync(method, path, Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, field);
    }

    [DatabaseFact]
    public async Task A_body_after_a_utf8_byte_order_mark_is_read_and_still_checked_for_duplicates()
    {
        using var accepted = await User.Client.PostAsync("/todos", WithByteOrderMark("""{"title":"after a BOM"}"""));
        using var refused = await User.Client.PostAsync("/todos", WithByteOrderMark("""{"title":"a","id":1,"id":2}"""));

        Assert.Equal("after a BOM", (await Json.ReadAsync(accepted, HttpStatusCode.Created)).GetProperty("title").GetString());
        await Problems.AssertValidationProblemAsync(refused, "body");

        static ByteArrayContent WithByteOrderMark(string json)
        {
            var content = new ByteArrayContent([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(json)]);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return content;
        }
    }

    [DatabaseFact]
    public async Task A_utf16_body_is_read_in_its_charset()
    {
        using var content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"title":"in UTF-16"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");

        using var response = await User.Client.PostAsync("/todos", content);

        Assert.Equal("in UTF-16", (await Json.ReadAsync(response, HttpStatusCode.Created)).GetProperty("title").GetString());
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_body_that_is_not_valid_utf16_in_a_utf16_request_is_400(string method, string path)
    {
        var valid = Encoding.Unicode.GetBytes("""{"title":"t","completed":true,"email":"a@example.com","password":"long enough"}""");
        byte[] loneSurrogate = [.. Encoding.Unicode.GetBytes("{\"title\":\""), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("\"}")];
        foreach (var bytes in new[] { valid[..^1], loneSurrogate })
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");

            using var response = await SendAsync(method, path, content);

            await Problems.AssertValidationProblemAsync(response, "body");
        }
    }

    [DatabaseFact]
    public async Task A_utf16_body_is_checked_for_duplicates_like_a_utf8_one()
    {
        using var content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"title":"a","id":1,"id":2}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-16");

        using var response = await User.Client.PostAsync("/todos", content);

        await Problems.AssertValidationProblemAsync(response, "body");
    }

    [DatabaseTheory]
    [InlineData("POST", "/todos", """{"title":"a","title":"b"}""", "body")]
    [InlineData("POST", "/todos", """{"title":"a","completed":false,"completed":true}""", "body")]
    [InlineData("POST", "/todos", """{"title":"a","Title":"b"}""", "title")] // names match case-insensitively: the serializer sees one name twice
    [InlineData("PUT", "/todos/{id}", """{"title":"a","completed":true,"title":"b"}""", "body")]
    [InlineData("PATCH", "/todos/{id}", """{"title":"a","title":"b"}""", "body")]
    [InlineData("PATCH", "/todos/{id}", """{"completed":true,"completed":false}""", "body")]
    [InlineData("POST", "/auth/signup", """{"email":"a@example.com","password":"long enough","email":"b@example.com"}""", "body")]
    [InlineData("POST", "/auth/login", """{"email":"a@example.com","password":"wrong password","password":"long enough"}""", "body")]
    [InlineData("POST", "/todos", """{"title":"a","extra":{"x":1,"x":2}}""", "body")]
    [InlineData("POST", "/todos", """{"title":"a","extra":[{"x":1,"x":2}]}""", "body")]
    [InlineData("POST", "/todos", """{"title":"a","id":1,"id":2}""", "body")]
    public async Task A_duplicated_property_name_anywhere_in_the_body_is_400(string method, string path, string json, string field)
    {
        using var response = await SendAsync(method, path, Json.Raw(json));

        await Problems.AssertValidationProblemAsync(response, field);
    }

    [DatabaseFact]
    public async Task A_body_with_a_duplicated_property_creates_and_changes_nothing()
    {
        using var listed = await User.Client.GetAsync("/todos?pageSize=100");
        var before = (await Json.ReadAsync(listed, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32();

        using var created = await SendAsync("POST", "/todos", Json.Raw("""{"title":"a","title":"b"}"""));
        using var replaced = await SendAsync("PUT", "/todos/{id}", Json.Raw("""{"title":"a","completed":true,"title":"b"}"""));
        using var fetched = await User.Client.GetAsync($"/todos/{_todoId}");
        using var relisted = await User.Client.GetAsync("/todos?pageSize=100");

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replaced.StatusCode);
        Assert.Equal("body target", (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetProperty("title").GetString());
        Assert.Equal(before, (await Json.ReadAsync(relisted, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32());
    }

    [DatabaseFact]
    public async Task A_rejected_body_changes_nothing()
    {
        using var response = await SendAsync("PUT", "/todos/{id}", Json.Raw("""{"title":"changed","completed":"yes"}"""));
        using var fetched = await User.Client.GetAsync($"/todos/{_todoId}");

        await Problems.AssertValidationProblemAsync(response, "completed");
        Assert.Equal("body target", (await Json.ReadAsync(fetched, HttpStatusCode.OK)).GetProperty("title").GetString());
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_body_that_is_not_json_is_415(string method, string path)
    {
        foreach (var content in new HttpContent[]
        {
            new StringContent("""{"title":"t","completed":true}""", Encoding.UTF8, "text/plain"),
            new StringContent("<todo><title>t</title></todo>", Encoding.UTF8, "application/xml"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["title"] = "t" }),
        })
        {
            using (content)
            {
                using var response = await SendAsync(method, path, content);

                await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
            }
        }
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_body_without_content_type_is_415(string method, string path)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"title":"t","completed":true}"""));
        Assert.Null(content.Headers.ContentType);

        using var response = await SendAsync(method, path, content);

        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [DatabaseFact]
    public async Task A_route_without_a_body_ignores_the_content_type_and_still_answers_401_first()
    {
        var user = await app.CreateUserAsync();
        using var me = await user.Client.SendAsync(Bodiless("GET", "/auth/me"));
        using var logout = await user.Client.SendAsync(Bodiless("POST", "/auth/logout"));
        using var afterLogout = await user.Client.SendAsync(Bodiless("POST", "/auth/logout-all"));

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await Problems.AssertProblemAsync(afterLogout, HttpStatusCode.Unauthorized);

        static HttpRequestMessage Bodiless(string method, string path) =>
            new(new HttpMethod(method), path) { Content = new StringContent(string.Empty, Encoding.UTF8, "text/plain") };
    }

    [DatabaseTheory]
    [InlineData("POST", "/todos")]
    [InlineData("PUT", "/todos/{id}")]
    [InlineData("PATCH", "/todos/{id}")]
    [InlineData("PUT", "/auth/password")]
    [InlineData("DELETE", "/auth/me")]
    public async Task A_body_that_is_not_json_without_a_token_is_401_first(string method, string path)
    {
        using var client = app.CreateClient();
        foreach (var content in new HttpContent[]
        {
            new StringContent("""{"title":"t"}""", Encoding.UTF8, "text/plain"),
            new ByteArrayContent(Encoding.UTF8.GetBytes("""{"title":"t"}""")),
        })
        {
            using (content)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", _todoId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    Content = content,
                };

                using var response = await client.SendAsync(request);

                await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            }
        }
    }

    [DatabaseFact]
    public async Task Json_with_a_charset_is_accepted()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"title":"charset"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");

        using var response = await User.Client.PostAsync("/todos", content);

        await Json.ReadAsync(response, HttpStatusCode.Created);
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_body_over_64_KiB_with_content_length_is_413(string method, string path)
    {
        using var content = new ByteArrayContent(PaddedJson(MaxBodyBytes + 1));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        Assert.Equal(MaxBodyBytes + 1, content.Headers.ContentLength);

        using var response = await SendAsync(method, path, content);

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [DatabaseTheory]
    [MemberData(nameof(JsonRoutes))]
    public async Task A_chunked_body_over_64_KiB_is_413(string method, string path)
    {
        using var content = new ChunkedContent(PaddedJson(MaxBodyBytes + 1), "application/json");
        Assert.Null(content.Headers.ContentLength);

        using var response = await SendAsync(method, path, content);

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [DatabaseFact]
    public async Task A_body_of_exactly_64_KiB_is_accepted_with_content_length_and_chunked()
    {
        using var sized = new ByteArrayContent(PaddedJson(MaxBodyBytes));
        sized.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunked = new ChunkedContent(PaddedJson(MaxBodyBytes), "application/json");

        using var sizedResponse = await User.Client.PostAsync("/todos", sized);
        using var chunkedResponse = await User.Client.PostAsync("/todos", chunked);

        Assert.Equal("padded", (await Json.ReadAsync(sizedResponse, HttpStatusCode.Created)).GetProperty("title").GetString());
        Assert.Equal("padded", (await Json.ReadAsync(chunkedResponse, HttpStatusCode.Created)).GetProperty("title").GetString());
    }

    /// <summary>A valid todo body of exactly <paramref name="size"/> bytes: the title padded with spaces (trimmed away).</summary>
    private static byte[] PaddedJson(int size)
    {
        const string Head = "{\"title\":\"padded";
        const string Tail = "\",\"completed\":true,\"email\":\"big@example.com\",\"password\":\"long enough password\"}";
        var bytes = Encoding.UTF8.GetBytes(Head + new string(' ', size - Head.Length - Tail.Length) + Tail);
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response)
    {
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", _todoId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            Content = content,
        };
        return await User.Client.SendAsync(request);
    }
}

public sealed class RequestBodyTestsOnSqlite(SqliteApplication app) : RequestBodyTests(app), IClassFixture<SqliteApplication>;

public sealed class RequestBodyTestsOnPostgres(PostgresApplication app) : RequestBodyTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
