using System.Text;
using System.Text.RegularExpressions;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The /docs page behind an API Gateway stage, as a browser would load it through REST API events of stage Prod:
/// the page, everything it loads and the document it reads all stay under /Prod on the API's own origin.
/// </summary>
public sealed partial class DocsUnderStageTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    [Fact]
    public async Task Prod_docs_loads_its_scripts_icon_and_document_from_under_the_stage_and_from_no_other_origin()
    {
        var page = await GetAsync("docs");

        Assert.Equal(200, page.Status());
        Assert.StartsWith("text/html", page.Header("Content-Type").Single(), StringComparison.Ordinal);
        var csp = page.Header("Content-Security-Policy").Single();
        Assert.DoesNotContain("http", csp, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("font-src 'self'", csp, StringComparison.Ordinal);
        var html = Encoding.UTF8.GetString(page.BodyBytes());
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);

        var links = Links().Matches(html).Select(match => match.Groups["url"].Value).ToList();
        Assert.Contains("/Prod/favicon.svg", links);
        Assert.Contains("/Prod/openapi/v1.json", links);
        Assert.True(links.Count >= 4, string.Join(", ", links));
        foreach (var link in links)
        {
            Assert.StartsWith("/Prod/", link, StringComparison.Ordinal);
            var asset = await GetAsync(link["/Prod/".Length..]);
            Assert.True(asset.Status() == 200, $"{link}: {asset.Status()}");
        }

        var script = Encoding.UTF8.GetString((await GetAsync("docs/init.js")).BodyBytes());
        // Scalar's defaults would fetch fonts from its CDN and send telemetry.
        Assert.Contains("withDefaultFonts: false", script, StringComparison.Ordinal);
        Assert.Contains("telemetry: false", script, StringComparison.Ordinal);
        Assert.StartsWith("image/svg+xml", (await GetAsync("favicon.svg")).Header("Content-Type").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_read_under_Prod_sends_the_page_s_calls_to_Prod()
    {
        var document = await GetAsync("openapi/v1.json");

        Assert.Equal("/Prod", document.Json().GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task The_root_under_Prod_redirects_a_browser_to_Prod_docs()
    {
        var root = await GetAsync(string.Empty);

        Assert.Equal(302, root.Status());
        Assert.Equal(["/Prod/docs"], root.Header("Location"));
    }

    private Task<System.Text.Json.JsonElement> GetAsync(string proxy) =>
        fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("v1-browser-get.json"), new Dictionary<string, string> { ["proxy"] = proxy });

    [GeneratedRegex("(?:src|href|data-openapi)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Links();
}
