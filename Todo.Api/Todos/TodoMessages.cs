using System.Text.Json.Serialization;
using FluentValidation;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

// The bodies of the todo routes: each request with its validator (the title rule they share at the end), then the
// responses. The list's query string is ListTodosRequest.

/// <summary>POST /todos. Unknown properties (id, createdAt, ...) are ignored by the binder.</summary>
public sealed record CreateTodoRequest(string? Title, bool Completed = false);

public sealed class CreateTodoRequestValidator : AbstractValidator<CreateTodoRequest>
{
    public CreateTodoRequestValidator()
    {
        RuleFor(request => request.Title).ValidTitle();
    }
}

/// <summary>PUT /todos/{id}: both fields are required, so a forgotten "completed" is an error, not a silent false.</summary>
public sealed record ReplaceTodoRequest(string? Title, bool? Completed);

public sealed class ReplaceTodoRequestValidator : AbstractValidator<ReplaceTodoRequest>
{
    public ReplaceTodoRequestValidator()
    {
        RuleFor(request => request.Title).ValidTitle();
        RuleFor(request => request.Completed).NotNull().WithMessage("Completed is required.");
    }
}

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

public sealed class UpdateTodoRequestValidator : AbstractValidator<UpdateTodoRequest>
{
    public UpdateTodoRequestValidator()
    {
        RuleFor(request => request.Title).ValidTitle().When(request => request.HasTitle);
        RuleFor(request => request.Completed)
            .NotNull().WithMessage("Completed must be true or false.")
            .When(request => request.HasCompleted);
    }
}

public static class TitleRules
{
    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Title is required.")
            .Must(title => TodoItem.NormalizeTitle(title!).Length > 0).WithMessage("Title must not be empty.")

            // The one character PostgreSQL text cannot hold; refused on every provider so the API is the same on all.
            .Must(title => !title!.Contains('\0', StringComparison.Ordinal)).WithMessage("Title must not contain the NUL character (U+0000).")
            .Must(title => TodoItem.NormalizeTitle(title!).EnumerateRunes().Count() <= TodoItem.MaxTitleLength)
            .WithMessage($"Title must be at most {TodoItem.MaxTitleLength} characters.");
}

/// <summary>A todo as clients see it; the owner never leaves the server.</summary>
public sealed record TodoResponse(int Id, string Title, bool Completed, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static TodoResponse From(TodoItem todo)
    {
        ArgumentNullException.ThrowIfNull(todo);
        return new TodoResponse(todo.Id, todo.Title, todo.Completed, todo.CreatedAt, todo.UpdatedAt);
    }
}

public sealed record TodoListResponse(IReadOnlyList<TodoResponse> Items, int Page, int PageSize, int TotalCount)
{
    public static TodoListResponse From(TodoPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new TodoListResponse([.. page.Items.Select(TodoResponse.From)], page.Page, page.PageSize, page.TotalCount);
    }
}
