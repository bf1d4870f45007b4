using System.Globalization;

namespace Todo.Api.Infrastructure;

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
