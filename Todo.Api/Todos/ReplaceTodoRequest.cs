namespace Todo.Api.Todos;

/// <summary>PUT /todos/{id}: both fields are required, so a forgotten "completed" is an error, not a silent false.</summary>
public sealed record ReplaceTodoRequest(string? Title, bool? Completed);
