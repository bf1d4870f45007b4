using System.Net;
using System.Text;
using System.Text.Json;

namespace Todo.Tests.Api;

/// <summary>Request bodies as the wire sees them, and parsed response bodies.</summary>
public static class Json
{
    /// <summary>A body of exactly this JSON text, as application/json; charset=utf-8.</summary>
    public static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Of(object value) => Raw(JsonSerializer.Serialize(value));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The names of an object's properties, sorted, so a test can pin a body's exact shape.</summary>
    public static string[] PropertyNames(JsonElement element) =>
        [.. element.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)];
}
