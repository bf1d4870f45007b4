using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>
/// GET /todos query. Bound as text so that "page=abc" is a clear 400 from the validator rather than a silent default.
/// </summary>
public sealed record ListTodosRequest
{
    [FromQuery(Name = "completed")]
    public string? Completed { get; init; }

    [FromQuery(Name = "page")]
    public string? Page { get; init; }

    [FromQuery(Name = "pageSize")]
    public string? PageSize { get; init; }

    /// <summary>The query as the repository takes it; call only after validation.</summary>
    public TodoQuery ToQuery() => new(
        Completed is null ? null : bool.Parse(Completed),
        Page is null ? 1 : int.Parse(Page, NumberStyles.None, CultureInfo.InvariantCulture),
        PageSize is null ? TodoQuery.DefaultPageSize : int.Parse(PageSize, NumberStyles.None, CultureInfo.InvariantCulture));
}
