using System.Globalization;

namespace Todo.Api.Infrastructure;

/// <summary>
/// A positive whole number written the one canonical way: ASCII digits only, no sign, spaces or leading zeros,
/// within int. .NET's own parsing is laxer ("+7", " 7", "7\0" all parse); ids and paging both use this rule.
/// </summary>
public static class CanonicalNumber
{
    public static int? TryParsePositive(string? text) =>
        text is { Length: > 0 and <= 10 } && text[0] != '0' && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}

/// <summary>
/// Matches an id written the one canonical way (<see cref="CanonicalNumber"/>). The framework's "int" constraint
/// also takes "+7", "007" and " 7"; those name no resource here, so they are 404.
/// </summary>
public sealed class PositiveIdRouteConstraint : IRouteConstraint
{
    public const string Name = "positiveId";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        var text = values.TryGetValue(routeKey, out var value)
            ? Convert.ToString(value, CultureInfo.InvariantCulture)
            : null;
        return CanonicalNumber.TryParsePositive(text) is not null;
    }
}
