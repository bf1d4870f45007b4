using System.Text;
using System.Text.Json;

namespace Todo.Tests.Lambda.Support;

/// <summary>Reads a proxy response the way API Gateway and ALB do.</summary>
internal static class ProxyResponseReader
{
    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];

    public static int Status(this JsonElement response) => response.GetProperty("statusCode").GetInt32();

    public static byte[] BodyBytes(this JsonElement response)
    {
        var body = response.GetProperty("body").GetString() ?? string.Empty;
        return response.GetProperty("isBase64Encoded").GetBoolean() ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
    }

    public static JsonElement Json(this JsonElement response)
    {
        using var document = JsonDocument.Parse(response.BodyBytes());
        return document.RootElement.Clone();
    }

    /// <summary>Every value of a header, from whichever header shape the response uses.</summary>
    public static string[] Header(this JsonElement response, string name)
    {
        var values = new List<string>();
        if (response.TryGetProperty("multiValueHeaders", out var multi))
        {
            values.AddRange(multi.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                .SelectMany(p => p.Value.EnumerateArray().Select(v => v.GetString()!)));
        }

        if (response.TryGetProperty("headers", out var single))
        {
            values.AddRange(single.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                .Select(p => p.Value.GetString()!));
        }

        return [.. values];
    }
}
