namespace Todo.Domain.Todos;

/// <summary>Which of an owner's todos to list: an optional completion filter and a 1-based page.</summary>
public sealed record TodoQuery(bool? Completed, int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
}

/// <summary>One page of an owner's todos and how many there are in all.</summary>
public sealed record TodoPage(IReadOnlyList<TodoItem> Items, int Page, int PageSize, int TotalCount);
