using Todo.Lambda;

namespace Todo.Tests.Lambda;

public sealed class ProxyUrlTests
{
    [Theory]
    [InlineData("/foo%20bar", "/foo bar")]
    [InlineData("/a+b", "/a+b")]
    [InlineData("/100%2525", "/100%25")]
    [InlineData("/a%2Fb/c%2fd", "/a%2Fb/c%2fd")]
    [InlineData("/caf%C3%A9/%E2%9C%93", "/café/✓")]
    [InlineData("/plain/path", "/plain/path")]
    public void Paths_are_decoded_once_keeping_encoded_slashes(string raw, string decoded) =>
        Assert.Equal(decoded, ProxyUrl.DecodePath(raw));

    [Fact]
    public void Decoded_query_components_are_escaped_again()
    {
        var query = ProxyUrl.BuildQueryFromDecoded([new("a b", "1+1"), new("k&=#", "%"), new("é", "")]);

        Assert.Equal("?a%20b=1%2B1&k%26%3D%23=%25&%C3%A9=", query);
    }

    [Fact]
    public void Encoded_query_components_pass_through_and_only_invalid_characters_are_escaped()
    {
        var query = ProxyUrl.BuildQueryFromEncoded([new("t", "16%3A06%2B00"), new("q", "a b#é")]);

        Assert.Equal("?t=16%3A06%2B00&q=a%20b%23%C3%A9", query);
    }
}
