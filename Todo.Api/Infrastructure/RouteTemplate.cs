using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Todo.Api.Infrastructure;

/// <summary>
/// A route as a log line names it: <c>/todos/{id}</c>, the template without its constraints and defaults, so that
/// one route is one value to group by, whatever the constraint syntax. Worked out once per route: the request line
/// asks on every request.
/// </summary>
internal static class RouteTemplate
{
    private static readonly ConditionalWeakTable<RoutePattern, string> Templates = [];

    public static string Of(RoutePattern pattern) => Templates.GetValue(pattern, Build);

    private static string Build(RoutePattern pattern)
    {
        var text = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            text.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        text.Append('{').Append(parameter.IsCatchAll ? "*" : "").Append(parameter.Name).Append(parameter.IsOptional ? "?" : "").Append('}');
                        break;
                }
            }
        }

        return text.Length == 0 ? "/" : text.ToString();
    }
}
