using Todo.Domain.Todos;

namespace Todo.Api.Todos;

/// <summary>The words of the todo problems that are not a plain status, shared by the responses and the OpenAPI examples.</summary>
public static class TodoProblems
{
    public const string PreconditionFailedTitle = "The todo has changed.";

    public const string PreconditionFailedDetail =
        "If-Match names none of the todo's current ETag, so nothing was changed. Read the todo again for its current ETag.";

    public const string ContendedTitle = "The todo kept changing.";

    public static readonly string ContendedDetail =
        $"Other changes to this todo were saved between each of {TodoService.MaxAttempts} attempts to apply this one, so nothing was changed. Try again.";
}
