namespace Todo.Domain.Todos;

/// <summary>One page of an owner's todos and how many there are in all.</summary>
public sealed record TodoPage(IReadOnlyList<TodoItem> Items, int Page, int PageSize, int TotalCount);
