using System.Globalization;
using FluentValidation;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

public sealed class ListTodosRequestValidator : AbstractValidator<ListTodosRequest>
{
    public ListTodosRequestValidator()
    {
        RuleFor(request => request.Completed)
            .Must(value => value is "true" or "false")
            .WithMessage("Completed must be true or false.")
            .When(request => request.Completed is not null);
        RuleFor(request => request.Page)
            .Must(value => ParsesInRange(value, 1, int.MaxValue))
            .WithMessage("Page must be a whole number of at least 1.")
            .When(request => request.Page is not null);
        RuleFor(request => request.PageSize)
            .Must(value => ParsesInRange(value, 1, TodoQuery.MaxPageSize))
            .WithMessage($"PageSize must be a whole number from 1 to {TodoQuery.MaxPageSize}.")
            .When(request => request.PageSize is not null);
    }

    private static bool ParsesInRange(string? value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max;
}
