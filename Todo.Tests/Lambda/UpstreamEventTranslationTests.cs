using System.Text.Json;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// Every AWS sample event (../shared/events/upstream, see its SOURCES.md) through the real entry point and the real
/// ASP.NET Core pipeline, with an echo in front of the application: what the application saw is asserted field by
/// field against what AWS meant.
/// </summary>
public sealed class UpstreamEventTranslationTests(EchoHostFixture fixture) : IClassFixture<EchoHostFixture>
{
    private Task<JsonElement> SeenAsync(string file) => fixture.Host.InvokeFileAsync(LambdaTestPaths.Upstream(file)).ContinueWith(t => t.Result.Json(), TaskScheduler.Default);

    [Theory]
    // file, method, pathBase, path, trace identifier, remote address
    [InlineData("v1-get-encoded-path-query-stage-dotnet.json", "GET", "/Prod", "/foo bar", "f705df8a-1dea-11e8-8c32-e5fe822e2654", "50.35.77.7")]
    [InlineData("v1-get-decoded-query-values-dotnet.json", "GET", "", "/api/rawquerystring/json", "test-invoke-request", "127.0.0.1")]
    [InlineData("v1-get-reserved-char-query-cognito-dotnet.json", "GET", "/Prod", "/foo/bar", "7713b963-f984-11e7-b02a-f346964d4540", "50.35.77.7")]
    [InlineData("v1-put-json-body-dotnet.json", "PUT", "", "/api/bodytests", "test-invoke-request", "127.0.0.1")]
    [InlineData("v1-get-multivalue-query-powertools.json", "GET", "", "/my/path", "id=", "192.168.0.1")]
    [InlineData("v1-post-json-body-multivalue-go.json", "POST", "", "/hello/world", "deef4878-7910-11e6-8f14-25afc3e9ae33", "192.168.196.186")]
    [InlineData("v1-post-base64-body-sam.json", "POST", "/prod", "/path/to/resource", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "127.0.0.1")]
    [InlineData("v2-get-rawquery-cookies-powertools.json", "GET", "", "/my/path", "id", "192.168.0.1")]
    [InlineData("v2-post-json-body-powertools.json", "POST", "", "/my/path", "id", "192.168.0.1")]
    [InlineData("v2-post-base64-body-sam.json", "POST", "", "/path/to/resource", "id", "192.168.0.1")]
    [InlineData("v2-get-cookies-dotnet.json", "GET", "", "/api/cookietests/TestCookie3", "J7jk9g-7oAMEJGw=", "192.182.149.40")]
    [InlineData("v2-get-encoded-rawquery-dotnet.json", "GET", "", "/api/rawquerystring/json", "J7AFCgAYIAMEPCQ=", "192.182.149.40")]
    [InlineData("v2-put-json-body-dotnet.json", "PUT", "", "/api/bodytests", "J7jk9g-7oAMEJGw=", "192.182.149.40")]
    [InlineData("v2-get-named-stage-dotnet.json", "GET", "/beta", "/api/values", "J6vl3iNWoAMESOw=", "192.182.149.40")]
    [InlineData("v2-get-root-no-authorizer-go.json", "GET", "", "/", "LV7fzho-PHcEJPw=", "1.2.3.4")]
    [InlineData("alb-get-multivalue-headers-go.json", "GET", "", "/", null, "72.21.198.67")]
    [InlineData("alb-get-multivalue-query-powertools.json", "GET", "", "/todos", null, "123.123.123.123")]
    [InlineData("alb-get-multivalue-encoded-query-dotnet.json", "GET", "", "/api/rawquerystring/json", null, "72.21.198.66")]
    [InlineData("alb-healthcheck-dotnet.json", "GET", "", "/api/values", null, null)]
    [InlineData("alb-post-base64-body-sam.json", "POST", "", "/path/to/resource", null, "72.12.164.125")]
    public async Task The_application_sees_the_request_the_event_describes(
        string file, string method, string pathBase, string path, string? traceIdentifier, string? remoteIp)
    {
        var seen = await SeenAsync(file);

        Assert.Equal(method, seen.GetProperty("method").GetString());
        Assert.Equal(pathBase, seen.GetProperty("pathBase").GetString());
        Assert.Equal(path, seen.GetProperty("path").GetString());
        Assert.Equal(remoteIp, seen.GetProperty("remoteIp").GetString());
        if (traceIdentifier is not null)
        {
            Assert.Equal(traceIdentifier, seen.GetProperty("traceIdentifier").GetString());
        }
        else
        {
            // ALB events carry no request id; the application still gets a trace identifier of its own.
            Assert.False(string.IsNullOrEmpty(seen.GetProperty("traceIdentifier").GetString()));
        }
    }

    [Fact]
    public void Every_upstream_sample_is_covered_by_the_theory()
    {
        var covered = typeof(UpstreamEventTranslationTests).GetMethod(nameof(The_application_sees_the_request_the_event_describes))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(data => (string)data.GetData(null!).Single()[0]).ToHashSet();
        var samples = Directory.GetFiles(LambdaTestPaths.UpstreamEvents, "*.json").Select(Path.GetFileName).ToHashSet();
        Assert.Equal(samples.Order(), covered.Order());
    }

    [Fact]
    public async Task REST_query_values_decoded_by_API_Gateway_reach_the_app_unchanged()
    {
        var seen = await SeenAsync("v1-get-decoded-query-values-dotnet.json");

        // '+' and ':' in a decoded value must not turn into a space or get lost on the way.
        Assert.Equal("2019-03-12T16:06:06.549817+00:00", seen.GetProperty("query").GetProperty("testDateTimeOffset")[0].GetString());
        Assert.Equal("http://www.gooogle.com", seen.GetProperty("query").GetProperty("url")[0].GetString());
    }

    [Fact]
    public async Task REST_query_value_with_a_literal_percent_sequence_stays_literal()
    {
        var seen = await SeenAsync("v1-get-reserved-char-query-cognito-dotnet.json");

        Assert.Equal("b%40r", seen.GetProperty("query").GetProperty("foo")[0].GetString());
        Assert.Equal("?foo=b%2540r", seen.GetProperty("queryString").GetString());

        // requestContext.path has a trailing slash the resource path lacks; the stage is still found.
        Assert.Equal("https://zzqupfvhrk.execute-api.us-west-2.amazonaws.com/Prod/foo/bar?foo=b%2540r", seen.GetProperty("url").GetString());
    }

    [Fact]
    public async Task REST_encoded_path_is_decoded_once_and_the_decoded_query_value_re_encoded()
    {
        var seen = await SeenAsync("v1-get-encoded-path-query-stage-dotnet.json");

        Assert.Equal("hello world", seen.GetProperty("query").GetProperty("greeting")[0].GetString());
        Assert.Equal("?greeting=hello%20world", seen.GetProperty("queryString").GetString());
        Assert.Equal("https", seen.GetProperty("scheme").GetString());
        Assert.Equal("HTTP/1.1", seen.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task REST_multi_value_query_and_headers_keep_every_value()
    {
        var seen = await SeenAsync("v1-get-multivalue-query-powertools.json");

        Assert.Equal(["value1", "value2"], seen.GetProperty("query").GetProperty("parameter1").Strings());
        Assert.Equal(["value"], seen.GetProperty("query").GetProperty("parameter2").Strings());
        Assert.Equal(["value1", "value2"], seen.GetProperty("headers").GetProperty("header2").Strings());

        // multiValueHeaders is the complete map; headers' extra Origin is not merged in from the lossy map.
        Assert.False(seen.GetProperty("headers").TryGetProperty("origin", out _));

        // A GET body is still delivered, with a Content-Length that matches it.
        Assert.Equal("Hello from Lambda!", seen.GetProperty("body").GetString());
        Assert.Equal(18, seen.GetProperty("contentLength").GetInt64());
    }

    [Fact]
    public async Task REST_body_with_CRLF_and_headers_only_event_are_read()
    {
        var post = await SeenAsync("v1-post-json-body-multivalue-go.json");
        Assert.Equal("{\r\n\t\"a\": 1\r\n}", post.GetProperty("body").GetString());
        Assert.Equal(["54.240.196.186, 54.182.214.83"], post.GetProperty("headers").GetProperty("x-forwarded-for").Strings());
        Assert.Equal("?name=me", post.GetProperty("queryString").GetString());

        var put = await SeenAsync("v1-put-json-body-dotnet.json");
        Assert.Equal("{\"firstName\":\"Smith\",\"lastName\": \"Agent\"}", put.GetProperty("body").GetString());
        Assert.Equal(["application/json"], put.GetProperty("headers").GetProperty("content-type").Strings());
        Assert.Equal(41, put.GetProperty("contentLength").GetInt64());
    }

    [Theory]
    [InlineData("v1-post-base64-body-sam.json")]
    [InlineData("v2-post-base64-body-sam.json")]
    [InlineData("alb-post-base64-body-sam.json")]
    public async Task Base64_request_bodies_are_decoded(string file)
    {
        var seen = await SeenAsync(file);

        Assert.Equal("{\"test\":\"body\"}", seen.GetProperty("body").GetString());
        Assert.Equal(15, seen.GetProperty("contentLength").GetInt64());
    }

    [Fact]
    public async Task SAM_proxy_path_parameter_with_a_leading_slash_does_not_double_the_slash()
    {
        var seen = await SeenAsync("v1-post-base64-body-sam.json");

        Assert.Equal("https://0123456789.execute-api.us-east-1.amazonaws.com/prod/path/to/resource?foo=bar", seen.GetProperty("url").GetString());
    }

    [Fact]
    public async Task HTTP_API_raw_query_string_is_passed_through_untouched()
    {
        var seen = await SeenAsync("v2-get-encoded-rawquery-dotnet.json");

        Assert.Equal("?url=http://www.google.com&testDateTimeOffset=2019-03-12T16%3A06%3A06.549817%2B00%3A00", seen.GetProperty("queryString").GetString());

        // queryStringParameters says "00 00" here; the raw query keeps the '+'.
        Assert.Equal("2019-03-12T16:06:06.549817+00:00", seen.GetProperty("query").GetProperty("testDateTimeOffset")[0].GetString());
    }

    [Fact]
    public async Task HTTP_API_cookies_become_one_Cookie_header_and_comma_headers_are_not_split()
    {
        var seen = await SeenAsync("v2-get-rawquery-cookies-powertools.json");

        Assert.Equal(["cookie1; cookie2"], seen.GetProperty("headers").GetProperty("cookie").Strings());
        Assert.Equal(["value1,value2"], seen.GetProperty("headers").GetProperty("header2").Strings());
        Assert.Equal(["value1", "value2"], seen.GetProperty("query").GetProperty("parameter1").Strings());

        var cookies = (await SeenAsync("v2-get-cookies-dotnet.json")).GetProperty("cookies");
        Assert.Equal("TestValue1", cookies.GetProperty("TestCookie1").GetString());
        Assert.Equal("TestValue3", cookies.GetProperty("TestCookie3").GetString());
    }

    [Fact]
    public async Task HTTP_API_user_agent_with_commas_arrives_as_one_value()
    {
        var seen = await SeenAsync("v2-get-named-stage-dotnet.json");

        var userAgent = seen.GetProperty("headers").GetProperty("user-agent").Strings();
        Assert.Equal(["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.149 Safari/537.36"], userAgent);
        Assert.Equal("https://uzdrcy3wk7.execute-api.us-east-1.amazonaws.com/beta/api/values", seen.GetProperty("url").GetString());
    }

    [Fact]
    public async Task HTTP_API_body_and_a_stale_Content_Length_are_reconciled()
    {
        // API Gateway forwards the client's content-length: 41 although this GET event has no body.
        var seen = await SeenAsync("v2-get-cookies-dotnet.json");

        Assert.Equal(0, seen.GetProperty("contentLength").GetInt64());
        Assert.Equal(string.Empty, seen.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ALB_query_values_stay_encoded_as_ALB_sent_them_and_decode_once_in_the_app()
    {
        var seen = await SeenAsync("alb-get-multivalue-encoded-query-dotnet.json");

        Assert.Equal("2019-03-12T16:06:06.5498170+00:00", seen.GetProperty("query").GetProperty("testDateTimeOffset")[0].GetString());
        Assert.Equal(["text/html", "application/xhtml+xml"], seen.GetProperty("headers").GetProperty("accept").Strings());
        Assert.Equal("https", seen.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task ALB_multi_value_query_and_http_scheme()
    {
        var seen = await SeenAsync("alb-get-multivalue-query-powertools.json");

        Assert.Equal(["value1", "value2"], seen.GetProperty("query").GetProperty("parameter1").Strings());
        Assert.Equal("http", seen.GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task ALB_health_check_without_host_is_served()
    {
        var response = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Upstream("alb-healthcheck-dotnet.json"));

        Assert.Equal(200, response.Status());
        Assert.Equal("200 OK", response.GetProperty("statusDescription").GetString());
        Assert.Equal(["ELB-HealthChecker/2.0"], response.Json().GetProperty("headers").GetProperty("user-agent").Strings());
    }
}
