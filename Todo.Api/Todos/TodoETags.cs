using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>
/// A todo's version as HTTP sees it: its strong ETag (the version as 16 lower-case hex digits, quoted), and the
/// conditional headers If-None-Match and If-Match read against it (RFC 9110 §8.8.3, §13.1.1, §13.1.2).
/// </summary>
public static class TodoETags
{
    private const int HexDigits = 16;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string For(TodoItem todo)
    {
        ArgumentNullException.ThrowIfNull(todo);
        return $"\"{((ulong)todo.Version).ToString("x16", CultureInfo.InvariantCulture)}\"";
    }

    /// <summary>
    /// Whether If-None-Match names the todo's current ETag, by weak comparison (W/"x" matches "x"), or is <c>*</c>.
    /// A header that does not parse names nothing, so the todo is sent in full: the safe side for a read.
    /// </summary>
    public static bool NoneMatchNames(HttpRequest request, TodoItem todo)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (Parse(request.Headers.IfNoneMatch) is not { } tags)
        {
            return false;
        }

        var current = new EntityTagHeaderValue(For(todo));
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    /// <summary>
    /// The versions If-Match lets a change apply to: any without the header or with <c>*</c>, else those of its
    /// strong ETags. A weak ETag never matches (If-Match compares strongly), nor does one we never issued, nor a
    /// header that does not parse (<c>*</c> beside tags included): the client asked for a condition, and one we
    /// cannot read is not met.
    /// </summary>
    public static AcceptedVersions AcceptedBy(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var header = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(header))
        {
            return AcceptedVersions.Any;
        }

        var tags = Parse(header) ?? [];
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))
            ? AcceptedVersions.Any
            : AcceptedVersions.OneOf(tags.Where(tag => !tag.IsWeak).Select(tag => Version(tag.Tag)).OfType<long>());
    }

    /// <summary>
    /// The header's list, or null when it does not parse. Either <c>*</c> alone or a list of entity tags, never both
    /// (RFC 9110 §13.1.1, §13.1.2): the parser takes <c>"x", *</c> as a list that holds <c>*</c>, which would make an
    /// If-Match naming a stale tag match anything.
    /// </summary>
    private static IList<EntityTagHeaderValue>? Parse(StringValues header)
    {
        if (StringValues.IsNullOrEmpty(header) || !EntityTagHeaderValue.TryParseStrictList(header, out var tags))
        {
            return null;
        }

        return tags.Count > 1 && tags.Contains(EntityTagHeaderValue.Any) ? null : tags;
    }

    /// <summary>The version of an opaque tag of ours ("0123456789abcdef"), or null for any other tag.</summary>
    private static long? Version(StringSegment tag)
    {
        var digits = tag.Length == HexDigits + 2 ? tag.Subsegment(1, HexDigits).AsSpan() : [];
        return digits.Length == HexDigits
            && !digits.ContainsAnyExcept(LowerHex)
            && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version)
                ? (long)version
                : null;
    }
}
