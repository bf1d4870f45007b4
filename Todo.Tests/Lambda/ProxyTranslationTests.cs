using System.Text;
using System.Text.Json;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The project's own events (Todo.Tests/Lambda/Events) for what the samples do not show, through the real pipeline
/// with probe routes in front of the application.
/// </summary>
public sealed class ProxyTranslationTests(ProbeHostFixture fixture) : IClassFixture<ProbeHostFixture>
{
    private Task<JsonElement> InvokeAsync(string file, IReadOnlyDictionary<string, string>? values = null) =>
        fixture.Host.InvokeFileAsync(LambdaTestPaths.Own(file), values);

    [Theory]
    [InlineData("v1-echo-awkward-query.json")]
    [InlineData("v2-echo-awkward-query.json")]
    public async Task Query_keys_and_values_with_reserved_and_non_ASCII_characters_survive(string file)
    {
        var query = (await InvokeAsync(file)).Json().GetProperty("query");

        Assert.Equal(["1+1=2"], query.GetProperty("a+b").Strings());
        Assert.Equal(["p&q", "r=s"], query.GetProperty("x&y").Strings());
        Assert.Equal(["#fragment"], query.GetProperty("hash#").Strings());
        Assert.Equal(["two words"], query.GetProperty("space key").Strings());
        Assert.Equal(["%2B stays", "100%"], query.GetProperty("pct%2B").Strings());
        Assert.Equal(["значение ✓"], query.GetProperty("ключ").Strings());
    }

    [Fact]
    public async Task REST_multi_value_headers_keep_each_value_whole()
    {
        var headers = (await InvokeAsync("v1-echo-multivalue-headers.json")).Json().GetProperty("headers");

        Assert.Equal(["first", "second, with comma"], headers.GetProperty("x-custom").Strings());
        Assert.Equal(["todo-client/1.0 (Linux; x64)"], headers.GetProperty("user-agent").Strings());
    }

    [Fact]
    public async Task HTTP_API_cookies_reach_the_application()
    {
        var seen = (await InvokeAsync("v2-echo-cookies.json")).Json();

        Assert.Equal("abc123", seen.GetProperty("cookies").GetProperty("session").GetString());
        Assert.Equal("dark", seen.GetProperty("cookies").GetProperty("theme").GetString());
        Assert.Equal("en", seen.GetProperty("cookies").GetProperty("lang").GetString());
    }

    [Fact]
    public async Task Base64_binary_request_body_arrives_as_the_original_bytes()
    {
        var seen = (await InvokeAsync("v1-echo-base64-binary-body.json")).Json();

        Assert.Equal("héllo wörld", seen.GetProperty("body").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo wörld"), seen.GetProperty("contentLength").GetInt64());
    }

    [Fact]
    public async Task REST_custom_domain_base_path_becomes_PathBase()
    {
        var seen = (await InvokeAsync("v1-custom-domain-base-path.json")).Json();

        Assert.Equal("/api", seen.GetProperty("pathBase").GetString());
        Assert.Equal("/__probe/echo", seen.GetProperty("path").GetString());
        Assert.Equal("https://todo.example.com/api/__probe/echo", seen.GetProperty("url").GetString());
    }

    [Fact]
    public async Task HTTP_API_named_stage_is_stripped_only_as_a_whole_segment()
    {
        var staged = (await InvokeAsync("v2-named-stage.json")).Json();
        Assert.Equal("/beta", staged.GetProperty("pathBase").GetString());
        Assert.Equal("/__probe/echo", staged.GetProperty("path").GetString());

        // Stage "beta", path "/betamax/...": no stage prefix here, so the application sees it all (and 404s).
        var response = await InvokeAsync("v2-stage-prefix-not-a-segment.json");
        Assert.Equal(404, response.Status());
    }

    [Theory]
    [InlineData("v1-probe-binary.json")]
    [InlineData("v2-probe-binary.json")]
    public async Task Binary_response_is_base64_encoded(string file)
    {
        var response = await InvokeAsync(file);

        Assert.True(response.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Enumerable.Range(0, 256).Select(b => (byte)b), response.BodyBytes());
    }

    [Fact]
    public async Task Compressed_JSON_response_is_base64_encoded_whatever_its_media_type()
    {
        var response = await InvokeAsync("v2-probe-gzip-json.json");

        Assert.True(response.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal([0x1f, 0x8b], response.BodyBytes()[..2]);
        Assert.Equal(["gzip"], response.Header("Content-Encoding"));
    }

    [Fact]
    public async Task REST_response_carries_every_Set_Cookie_and_multi_value_header()
    {
        var response = await InvokeAsync("v1-probe-cookies.json");

        var headers = response.GetProperty("multiValueHeaders");
        Assert.Equal(["first=1; Path=/; HttpOnly", "second=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT"], headers.GetProperty("Set-Cookie").Strings());
        Assert.Equal(["a", "b"], headers.GetProperty("X-Multi").Strings());
        Assert.False(response.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("cookies set ✓", Encoding.UTF8.GetString(response.BodyBytes()));
    }

    [Fact]
    public async Task HTTP_API_response_puts_Set_Cookie_in_cookies_and_joins_other_repeated_headers()
    {
        var response = await InvokeAsync("v2-probe-cookies.json");

        Assert.Equal(["first=1; Path=/; HttpOnly", "second=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT"], response.GetProperty("cookies").Strings());
        Assert.False(response.GetProperty("headers").TryGetProperty("Set-Cookie", out _));
        Assert.Equal("a, b", response.GetProperty("headers").GetProperty("X-Multi").GetString());
    }

    [Theory]
    [InlineData("v1-probe-no-content.json")]
    [InlineData("v2-probe-no-content.json")]
    public async Task No_content_has_no_body(string file)
    {
        var response = await InvokeAsync(file);

        Assert.Equal(204, response.Status());
        Assert.Equal(string.Empty, response.GetProperty("body").GetString());
        Assert.False(response.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task Content_Length_set_by_the_application_is_not_copied()
    {
        var response = await InvokeAsync("v2-probe-large.json", new Dictionary<string, string> { ["bytes"] = "10", ["type"] = "text/plain" });

        Assert.Equal("xxxxxxxxxx", response.GetProperty("body").GetString());
        Assert.Empty(response.Header("Content-Length"));
    }
}
