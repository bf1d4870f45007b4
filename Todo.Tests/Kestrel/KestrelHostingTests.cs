using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Todo.Tests.Support;

namespace Todo.Tests.Kestrel;

/// <summary>What only the real server shows: Kestrel's own body accounting and where the program finds its settings.</summary>
public sealed class KestrelHostingTests(SignedInApiProcess server) : IClassFixture<SignedInApiProcess>
{
    private ApiProcess Api => server.Api;

    private HttpClient Client => server.Client;

    [Theory]
    [InlineData(65_536, 100, HttpStatusCode.Created)]
    [InlineData(65_536, 8_000, HttpStatusCode.Created)]
    [InlineData(65_537, 100, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(65_537, 65_537, HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_chunked_body_is_limited_by_its_own_bytes_not_by_the_chunk_framing(int bodyBytes, int chunkBytes, HttpStatusCode expected)
    {
        var body = JsonBodyOfExactly(bodyBytes);
        using var content = new ChunkedContent(body, "application/json", chunkBytes);

        using var response = await Client.PostAsync("/todos", content);

        // A 65,536-byte title is far over 200 characters: accepted bodies are read and then fail validation.
        Assert.Equal(expected == HttpStatusCode.Created ? HttpStatusCode.BadRequest : expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (expected == HttpStatusCode.Created)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _), problem.GetRawText());
        }
    }

    [Fact]
    public async Task A_json_response_says_its_length_and_is_not_chunked()
    {
        using var created = await Client.PostAsJsonAsync("/todos", new { title = "framed" });
        var location = created.Headers.Location ?? throw new InvalidOperationException("No Location.");
        using var fetched = await Client.GetAsync(location);
        using var headed = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, location));
        using var listed = await Client.GetAsync("/todos?pageSize=100");
        using var missing = await Client.GetAsync("/todos/999999");

        foreach (var (response, status) in new[]
        {
            (created, HttpStatusCode.Created), (fetched, HttpStatusCode.OK), (listed, HttpStatusCode.OK), (missing, HttpStatusCode.NotFound),
        })
        {
            Assert.Equal(status, response.StatusCode);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.Equal((await response.Content.ReadAsByteArrayAsync()).Length, response.Content.Headers.ContentLength);
        }

        Assert.Equal(HttpStatusCode.OK, headed.StatusCode);
        Assert.Equal(fetched.Content.Headers.ContentLength, headed.Content.Headers.ContentLength);
        Assert.Empty(await headed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_client_that_accepts_only_utf16_gets_the_json_in_utf16()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/todos");
        request.Headers.TryAddWithoutValidation("Accept-Charset", "utf-16");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("utf-16", response.Content.Headers.ContentType?.CharSet);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        using var page = JsonDocument.Parse(Encoding.Unicode.GetString(bytes));
        Assert.True(page.RootElement.GetProperty("totalCount").GetInt32() >= 0);
    }

    [Theory]
    [InlineData("fffffffffffffffffff")] // overflows: Kestrel throws a bare IOException
    [InlineData("100000000")] // 2^32, overflows too
    [InlineData("zz")] // not hexadecimal
    public async Task A_bad_chunk_size_is_a_400_validation_problem_of_the_body_logged_in_one_line(string chunkSize)
    {
        var logged = await LoggedSoFarAsync();

        var response = await RawHttp.SendAsync(Api.BaseAddress, LoginRequestHead + "Transfer-Encoding: chunked\r\n\r\n" +
            $"{chunkSize}\r\n{{\"email\":\"a@example.com\"}}\r\n0\r\n\r\n");

        Assert.NotNull(response);
        Assert.True(response.Status == 400, $"{response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.Headers["Content-Type"].Split(';')[0]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.NotEmpty(problem.RootElement.GetProperty("errors").GetProperty("body").EnumerateArray()); // the document's 400: a validation problem
        AssertOneLogLineAbout("/auth/login", await NewLogLinesAsync(logged));
    }

    [Theory]
    [InlineData("Content-Length: 100\r\n\r\n{\"email\":")] // the body ends before its length
    [InlineData("Transfer-Encoding: chunked\r\n\r\n40\r\n{\"email\":")] // the body ends inside a chunk
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3\r\n{\"emailXX\r\n0\r\n\r\n")] // a chunk longer than its size
    public async Task A_body_cut_short_or_overrunning_its_chunk_costs_at_most_one_log_line_and_no_stack_trace(string framing)
    {
        var logged = await LoggedSoFarAsync();

        var response = await RawHttp.SendAsync(Api.BaseAddress, LoginRequestHead + framing, closeAfterSending: true);

        // A client that stopped sending has gone: Kestrel may drop the request as aborted (nothing to log) or
        // answer it. Either way it is never a 500, and never more than one line.
        Assert.True(response is null || response.Status is >= 400 and < 500, $"{response?.Status}: {response?.Body}");
        var lines = await NewLogLinesAsync(logged);
        if (lines.Count > 0)
        {
            AssertOneLogLineAbout("/auth/login", lines);
        }
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_a_408_problem_once_the_minimum_data_rate_gives_up_in_one_log_line()
    {
        var logged = await LoggedSoFarAsync();

        // The connection stays open and silent: Kestrel's 240 bytes a second are owed after a 5-second grace.
        var response = await RawHttp.SendAsync(Api.BaseAddress, LoginRequestHead + "Content-Length: 100\r\n\r\n{\"email\":");

        Assert.NotNull(response);
        Assert.True(response.Status == 408, $"{response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.Headers["Content-Type"].Split(';')[0]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(408, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(response.Headers.ContainsKey("X-Correlation-Id"));
        AssertOneLogLineAbout("/auth/login", await NewLogLinesAsync(logged));
    }

    [Theory]
    [InlineData("1.1", "Content-Length: +{0}", false)] // 1*DIGIT: no sign
    [InlineData("1.1", "Content-Length: -0", false)]
    [InlineData("1.1", "Content-Length: {0}\r\nX\u0001: v", false)] // names are tokens (tchar)
    [InlineData("1.1", "Content-Length: {0}\r\nX(a): v", false)]
    [InlineData("1.1", "Content-Length: {0}\r\nX@a: v", false)]
    [InlineData("1.1", "Content-Length: {0}\r\nX-Note: a\u0001b", false)] // no control characters but HTAB in values
    [InlineData("1.1", "Content-Length: {0}\r\nX-Note: a\u007f", false)]
    [InlineData("1.1", "Transfer-Encoding: gzip, chunked", true)] // a coding the API would leave undone
    [InlineData("1.1", "Transfer-Encoding: chunked, chunked", true)]
    [InlineData("1.1", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked", true)]
    [InlineData("1.0", "Transfer-Encoding: chunked", true)] // HTTP/1.0 has no chunked coding
    public async Task A_malformed_header_or_framing_is_a_400_problem_with_the_usual_headers_in_one_log_line_and_creates_nothing(
        string version, string headers, bool chunked)
    {
        const string body = """{"title":"smuggled"}""";
        var before = await TodoCountAsync();
        var logged = await LoggedSoFarAsync();

        var response = await RawHttp.SendAsync(Api.BaseAddress,
            $"POST /todos HTTP/{version}\r\nHost: localhost\r\nAuthorization: {Client.DefaultRequestHeaders.Authorization}\r\n" +
            $"Content-Type: application/json\r\n{string.Format(CultureInfo.InvariantCulture, headers, body.Length)}\r\n\r\n" +
            (chunked ? $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n" : body));

        Assert.NotNull(response);
        Assert.True(response.Status == 400, $"{response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.Headers["Content-Type"].Split(';')[0]);
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"]);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", response.Headers["X-Correlation-Id"]);
        Assert.Equal("close", response.Headers["Connection"]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("Bad Request", problem.RootElement.GetProperty("title").GetString());
        // The body was never read: the problem is keyed headers, not body, and says which rule in words.
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["headers"], errors.EnumerateObject().Select(error => error.Name));
        Assert.Equal(problem.RootElement.GetProperty("detail").GetString(), errors.GetProperty("headers")[0].GetString());
        var detail = problem.RootElement.GetProperty("detail").GetString() ?? "";
        Assert.DoesNotContain("X(a)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("gzip", detail, StringComparison.Ordinal);
        var lines = await NewLogLinesAsync(logged);
        AssertOneLogLineAbout("/todos", lines);
        Assert.Equal(before, await TodoCountAsync());

        // The problem's traceId is the W3C trace id the log line has, so the one finds the other.
        var traceId = problem.RootElement.GetProperty("traceId").GetString();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        using var line = JsonDocument.Parse(lines[0]);
        Assert.Equal(traceId, line.RootElement.GetProperty("TraceId").GetString());
    }

    [Theory]
    [InlineData("GET /todos?q={0} HTTP/1.1\r\nHost: localhost\r\n", 8_200, 414)] // the target over 8 KiB
    [InlineData("GET /todos HTTP/1.1\r\nHost: localhost\r\nX-Note: {0}\r\n", 33_000, 431)] // the headers over 32 KiB
    [InlineData("GET /todos HTTP/1.1\r\nHost: localhost\r\n{0}", 101, 431)] // over 100 header fields
    public async Task A_head_over_the_limits_is_a_problem_with_the_usual_headers_in_one_log_line(string head, int size, int expected)
    {
        var filler = expected == 431 && size == 101
            ? string.Concat(Enumerable.Range(0, size).Select(i => $"X-Field-{i}: v\r\n"))
            : new string('a', size);
        var logged = await LoggedSoFarAsync();

        var response = await RawHttp.SendAsync(Api.BaseAddress,
            string.Format(CultureInfo.InvariantCulture, head, filler) + $"Authorization: {Client.DefaultRequestHeaders.Authorization}\r\n\r\n");

        Assert.NotNull(response);
        Assert.True(response.Status == expected, $"{response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.Headers["Content-Type"].Split(';')[0]);
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"]);
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", response.Headers["X-Correlation-Id"]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith("https://tools.ietf.org/html/", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("aaaa", response.Body, StringComparison.Ordinal);
        AssertOneLogLineAbout("/todos", await NewLogLinesAsync(logged));
    }

    [Theory]
    [InlineData("GET /todos?q={0} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 8_100, 401)]
    [InlineData("GET /todos HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Note: {0}\r\n\r\n", 32_000, 401)]
    [InlineData("GET /todos?q={0} HTTP/1.1\r\nHost: localhost\r\n\r\n", 70_000, 414)] // past Kestrel's own limit
    [InlineData("GET /todos HTTP/1.1\r\nHost: localhost\r\nX-Note: {0}\r\n\r\n", 140_000, 431)]
    public async Task A_head_within_the_limits_is_served_and_one_far_past_them_is_refused_by_Kestrel(string head, int size, int expected)
    {
        var response = await RawHttp.SendAsync(Api.BaseAddress, string.Format(CultureInfo.InvariantCulture, head, new string('a', size)));

        Assert.NotNull(response);
        Assert.True(response.Status == expected, $"{response.Status}: {response.Body}");

        // Past Kestrel's raised limits the answer is still Kestrel's own, before the application: the cap holds.
        Assert.Equal(expected == 401, response.Headers.ContainsKey("X-Correlation-Id"));
    }

    [Theory]
    [InlineData("get", "/todos", "GET, HEAD, POST")]
    [InlineData("post", "/todos", "GET, HEAD, POST")]
    [InlineData("Post", "/todos", "GET, HEAD, POST")]
    [InlineData("delete", "/todos/{0}", "DELETE, GET, HEAD, PATCH, PUT")]
    [InlineData("get", "/health", "GET, HEAD")]
    public async Task A_standard_method_in_other_letters_is_another_method_so_405_and_nothing_changes(string method, string path, string allowed)
    {
        // Method names are case-sensitive (RFC 9110 §9.1), though routing matches them ignoring case.
        using var created = await Client.PostAsJsonAsync("/todos", new { title = "kept" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var before = await TodoCountAsync();
        const string body = """{"title":"not created"}""";

        var response = await RawHttp.SendAsync(Api.BaseAddress,
            $"{method} {string.Format(CultureInfo.InvariantCulture, path, id)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
            $"Authorization: {Client.DefaultRequestHeaders.Authorization}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        Assert.NotNull(response);
        Assert.True(response.Status == 405, $"{response.Status}: {response.Body}");
        Assert.Equal(allowed, response.Headers["Allow"]);
        Assert.Equal("application/problem+json", response.Headers["Content-Type"].Split(';')[0]);
        Assert.Equal(before, await TodoCountAsync());
        using var kept = await Client.GetAsync($"/todos/{id}");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Theory]
    [InlineData("Content-Length: {0}", false)]
    [InlineData("Content-Length: 0{0}", false)] // leading zeros are still digits
    [InlineData("Transfer-Encoding: Chunked", true)] // codings are case-insensitive
    [InlineData("Content-Length: {0}\r\nX-Note: a\ttab", false)]
    public async Task Well_formed_framing_and_headers_still_create_the_todo(string headers, bool chunked)
    {
        const string body = """{"title":"framed well"}""";

        var response = await RawHttp.SendAsync(Api.BaseAddress,
            $"POST /todos HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: {Client.DefaultRequestHeaders.Authorization}\r\n" +
            $"Content-Type: application/json\r\n{string.Format(CultureInfo.InvariantCulture, headers, body.Length)}\r\n\r\n" +
            (chunked ? $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n" : body));

        Assert.NotNull(response);
        Assert.True(response.Status == 201, $"{response.Status}: {response.Body}");
    }

    [Theory]
    [InlineData("/todos", HttpStatusCode.OK)]
    [InlineData("/todos/999999", HttpStatusCode.NotFound)]
    [InlineData("/auth/me", HttpStatusCode.OK)]
    [InlineData("/health", HttpStatusCode.OK)]
    [InlineData("/docs", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    public async Task HEAD_answers_like_GET_without_a_body(string path, HttpStatusCode expected)
    {
        using var get = await Client.GetAsync(path);
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(expected, get.StatusCode);
        Assert.Equal(expected, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("Host: localhost")]
    [InlineData("Host: another.example")]
    public async Task An_absolute_form_target_names_the_host_whatever_Host_says(string host)
    {
        var response = await RawHttp.SendAsync(Api.BaseAddress, $"GET http://api.example/health HTTP/1.1\r\n{host}\r\nConnection: close\r\n\r\n");

        Assert.NotNull(response);
        Assert.True(response.Status == 200, $"{response.Status}: {response.Body}");
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"]);
    }

    [Fact]
    public void Started_from_another_folder_the_program_still_reads_its_own_appsettings()
    {
        var output = Api.Output;

        // appsettings.json turns EF Core's per-command logging down to Warning and leaves ours at Information.
        Assert.Contains(output, line => line.Contains("DatabaseMigrator", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Executed DbCommand", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Request starting", StringComparison.Ordinal));
    }

    private async Task<int> TodoCountAsync()
    {
        using var page = await Client.GetAsync("/todos?pageSize=1");
        return (await page.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalCount").GetInt32();
    }

    private const string LoginRequestHead = "POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

    private static void AssertOneLogLineAbout(string path, IReadOnlyList<string> lines)
    {
        var line = Assert.Single(lines);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
    }

    /// <summary>How many lines are logged, once the lines of earlier requests are all out (the log is written in batches).</summary>
    private async Task<int> LoggedSoFarAsync()
    {
        int count;
        do
        {
            count = Api.Output.Count;
            await Task.Delay(200);
        }
        while (Api.Output.Count != count);

        return count;
    }

    /// <summary>The lines logged after the first <paramref name="before"/>, once the log has been quiet for a moment.</summary>
    private async Task<IReadOnlyList<string>> NewLogLinesAsync(int before)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var count = Api.Output.Count;
        while (count == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            count = Api.Output.Count;
        }

        // The console logger writes in batches: wait until nothing more arrives.
        do
        {
            count = Api.Output.Count;
            await Task.Delay(500);
        }
        while (Api.Output.Count != count);

        return [.. Api.Output.Skip(before)];
    }

    /// <summary>{"title":"aaaa…"} of exactly the given size in UTF-8.</summary>
    private static byte[] JsonBodyOfExactly(int bytes)
    {
        const string prefix = "{\"title\":\"";
        const string suffix = "\"}";
        return Encoding.UTF8.GetBytes(prefix + new string('a', bytes - prefix.Length - suffix.Length) + suffix);
    }
}
