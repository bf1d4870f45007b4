using System.Text;
using Todo.Lambda;

namespace Todo.Tests.Lambda;

public sealed class ProxyResponseBodyTests
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes("{\"ok\":true}");

    [Theory]
    [InlineData("application/json; charset=utf-8", null, true)]
    [InlineData("application/problem+json", null, true)]
    [InlineData("application/vnd.api+json", null, true)]
    [InlineData("text/csv", null, true)]
    [InlineData("application/xml", null, true)]
    [InlineData("application/x-anything; charset=UTF-8", null, true)]
    [InlineData("application/json", "identity", true)]
    [InlineData("application/json", "gzip", false)]
    [InlineData("application/json", "br", false)]
    [InlineData("text/plain; charset=iso-8859-1", null, false)]
    [InlineData("application/octet-stream", null, false)]
    [InlineData("image/png", null, false)]
    [InlineData("application/x-protobuf", null, false)]
    [InlineData(null, null, false)]
    public void Text_or_binary_is_decided_by_content_type_and_encoding(string? contentType, string? contentEncoding, bool text) =>
        Assert.Equal(text, ProxyResponseBody.IsText(contentType, contentEncoding, Json));

    [Fact]
    public void A_text_type_with_bytes_that_are_not_UTF8_is_sent_as_base64() =>
        Assert.False(ProxyResponseBody.IsText("text/plain", null, [0xff, 0xfe, 0x41]));
}
