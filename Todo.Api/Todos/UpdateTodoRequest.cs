using System.Text.Json.Serialization;

namespace Todo.Api.Todos;

/// <summary>
/// PATCH /todos/{id}. The serializer calls a setter only for properties present in the body, which is how an
/// absent field (leave unchanged) is told apart from an explicit null (rejected).
/// </summary>
public sealed record UpdateTodoRequest
{
    private readonly string? _title;
    private readonly bool? _completed;

    public string? Title
    {
        get => _title;
        init
        {
            _title = value;
            HasTitle = true;
        }
    }

    public bool? Completed
    {
        get => _completed;
        init
        {
            _completed = value;
            HasCompleted = true;
        }
    }

    [JsonIgnore]
    public bool HasTitle { get; private init; }

    [JsonIgnore]
    public bool HasCompleted { get; private init; }
}
