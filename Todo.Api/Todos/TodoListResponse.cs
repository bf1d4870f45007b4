using Todo.Domain.Todos;

namespace Todo.Api.Todos;

public sealed record TodoListResponse(IReadOnlyList<TodoResponse> Items, int Page, int PageSize, int TotalCount)
{
    public static TodoListResponse From(TodoPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new TodoListResponse([.. page.Items.Select(TodoResponse.From)], page.Page, page.PageSize, page.TotalCount);
    }
}
