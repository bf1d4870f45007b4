using System.Text;
using System.Text.RegularExpressions;

namespace Todo.Lambda;

/// <summary>Percent-decoding and -encoding rules shared by the event translators.</summary>
internal static partial class ProxyUrl
{
    /// <summary>
    /// Decodes a raw path once, the way Kestrel fills <c>HttpRequest.Path</c>: every escape except <c>%2F</c> is
    /// decoded (so an encoded slash cannot become a segment separator), and <c>+</c> stays <c>+</c> because it only
    /// means a space in form-encoded query strings, never in a path.
    /// </summary>
    public static string DecodePath(string rawPath)
    {
        if (!rawPath.Contains('%', StringComparison.Ordinal))
        {
            return rawPath;
        }

        // The capturing group keeps each encoded slash in the split result, so it can be put back unchanged.
        var decoded = new StringBuilder(rawPath.Length);
        foreach (var part in EncodedSlash().Split(rawPath))
        {
            decoded.Append(part.Equals("%2F", StringComparison.OrdinalIgnoreCase) ? part : Uri.UnescapeDataString(part));
        }

        return decoded.ToString();
    }

    /// <summary>
    /// Builds a query string from keys and values API Gateway has already decoded. Both are escaped again, so that
    /// <c>+</c>, <c>%</c>, <c>&amp;</c>, <c>=</c>, <c>#</c>, spaces and non-ASCII text reach the application as sent.
    /// </summary>
    public static string BuildQueryFromDecoded(IEnumerable<KeyValuePair<string, string>> parameters) =>
        BuildQuery(parameters, Uri.EscapeDataString);

    /// <summary>
    /// Builds a query string from keys and values that are still URL-encoded (ALB does not decode them): they pass
    /// through as they are; only characters that may not appear in a query at all are escaped.
    /// </summary>
    public static string BuildQueryFromEncoded(IEnumerable<KeyValuePair<string, string>> parameters) =>
        BuildQuery(parameters, EscapeInvalidQueryCharacters);

    private static string BuildQuery(IEnumerable<KeyValuePair<string, string>> parameters, Func<string, string> escape)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append(escape(key)).Append('=').Append(escape(value));
        }

        return query.ToString();
    }

    private static string EscapeInvalidQueryCharacters(string component)
    {
        if (component.All(IsValidQueryCharacter))
        {
            return component;
        }

        var escaped = new StringBuilder(component.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in component.EnumerateRunes())
        {
            if (rune.IsAscii && IsValidQueryCharacter((char)rune.Value))
            {
                escaped.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    // RFC 3986 query characters (unreserved, sub-delims, ':', '@', '/', '?') plus '%' for existing escapes;
    // '&' and '=' are left alone because ALB already split on them.
    private static bool IsValidQueryCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?%".Contains(c, StringComparison.Ordinal);

    [GeneratedRegex("(%2F)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EncodedSlash();
}
