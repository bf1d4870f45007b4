using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>A todo as clients see it; the owner never leaves the server.</summary>
public sealed record TodoResponse(int Id, string Title, bool Completed, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static TodoResponse From(TodoItem todo)
    {
        ArgumentNullException.ThrowIfNull(todo);
        return new TodoResponse(todo.Id, todo.Title, todo.Completed, todo.CreatedAt, todo.UpdatedAt);
    }
}
