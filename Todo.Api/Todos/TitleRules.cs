using FluentValidation;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

public static class TitleRules
{
    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Title is required.")
            .Must(title => TodoItem.NormalizeTitle(title!).Length > 0).WithMessage("Title must not be empty.")
            .Must(title => TodoItem.NormalizeTitle(title!).EnumerateRunes().Count() <= TodoItem.MaxTitleLength)
            .WithMessage($"Title must be at most {TodoItem.MaxTitleLength} characters.");
}
