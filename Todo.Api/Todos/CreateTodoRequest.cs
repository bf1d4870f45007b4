namespace Todo.Api.Todos;

/// <summary>POST /todos. Unknown properties (id, createdAt, ...) are ignored by the binder.</summary>
public sealed record CreateTodoRequest(string? Title, bool Completed = false);
