using Microsoft.AspNetCore.Mvc;
using Todo.Api.Infrastructure;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>
/// GET /todos query. Bound as text, every occurrence kept, so that "page=abc" or "page=1&amp;page=2" is a clear 400
/// from the validator rather than a silent default or a silent pick.
/// </summary>
public sealed record ListTodosRequest
{
    [FromQuery(Name = "completed")]
    public string?[]? Completed { get; init; }

    [FromQuery(Name = "page")]
    public string?[]? Page { get; init; }

    [FromQuery(Name = "pageSize")]
    public string?[]? PageSize { get; init; }

    /// <summary>The query as the repository takes it; call only after validation.</summary>
    public TodoQuery ToQuery() => new(
        Single(Completed) is { } completed ? completed == "true" : null,
        Single(Page) is { } page ? ParseNumber(page) : 1,
        Single(PageSize) is { } pageSize ? ParseNumber(pageSize) : TodoQuery.DefaultPageSize);

    /// <summary>The one value given, or null when the parameter is absent or empty (as an HTML form sends it).</summary>
    internal static string? Single(string?[]? values) =>
        values is [var value] && !string.IsNullOrEmpty(value) ? value : null;

    private static int ParseNumber(string value) => CanonicalNumber.TryParsePositive(value) ?? throw new FormatException("Validate the request first.");
}
