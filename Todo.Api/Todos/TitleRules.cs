using FluentValidation;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

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
