using System.Net;
using System.Text.Json;

namespace Todo.Tests.Api;

/// <summary>Assertions for RFC 9457 problem responses as the contract describes them.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>Asserts the status and a problem+json body with type, title, status and traceId; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(ContentType, response.Content.Headers.ContentType?.MediaType);

        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(JsonValueKind.Object, problem.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose errors are keyed by exactly <paramref name="fields"/>.</summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var keys = errors.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(fields.Order(StringComparer.Ordinal).ToArray(), keys);
        foreach (var property in errors.EnumerateObject())
        {
            var messages = property.Value.EnumerateArray().Select(message => message.GetString()).ToArray();
            Assert.NotEmpty(messages);
            Assert.All(messages, message => Assert.False(string.IsNullOrWhiteSpace(message)));
        }

        return problem;
    }

    /// <summary>Asserts a 401 with a Bearer challenge and a problem body.</summary>
    public static async Task<JsonElement> AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        return problem;
    }
}
