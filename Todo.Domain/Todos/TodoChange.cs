namespace Todo.Domain.Todos;

public enum TodoChangeStatus
{
    /// <summary>Applied and saved; <see cref="TodoChange.Todo"/> is the todo as saved (for a delete, as it was).</summary>
    Done,

    /// <summary>The owner has no such todo, or it was deleted before the change could be saved.</summary>
    NotFound,

    /// <summary>The todo's current version is not one the change accepts; nothing was changed.</summary>
    VersionNotAccepted,

    /// <summary>Others kept changing the todo between each of our reads and writes; nothing was changed.</summary>
    Contended,
}

/// <summary>What became of a change to a todo.</summary>
public sealed record TodoChange(TodoChangeStatus Status, TodoItem? Todo)
{
    public static TodoChange NotFound { get; } = new(TodoChangeStatus.NotFound, null);

    public static TodoChange Contended { get; } = new(TodoChangeStatus.Contended, null);

    public static TodoChange VersionNotAccepted(TodoItem current) => new(TodoChangeStatus.VersionNotAccepted, current);

    public static TodoChange Done(TodoItem todo) => new(TodoChangeStatus.Done, todo);
}
