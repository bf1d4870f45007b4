using FluentValidation;
using Todo.Api.Infrastructure;
using Todo.Domain.Todos;

namespace Todo.Api.Todos;

public sealed class ListTodosRequestValidator : AbstractValidator<ListTodosRequest>
{
    public ListTodosRequestValidator()
    {
        RuleFor(request => request.Completed)
            .Must(BeGivenAtMostOnce).WithMessage("Completed may be given only once.")
            .Must(values => ListTodosRequest.Single(values) is null or "true" or "false")
            .WithMessage("Completed must be true or false.");
        RuleFor(request => request.Page)
            .Must(BeGivenAtMostOnce).WithMessage("Page may be given only once.")
            .Must(values => IsAbsentOrInRange(values, int.MaxValue))
            .WithMessage("Page must be a whole number of at least 1.");
        RuleFor(request => request.PageSize)
            .Must(BeGivenAtMostOnce).WithMessage("PageSize may be given only once.")
            .Must(values => IsAbsentOrInRange(values, TodoQuery.MaxPageSize))
            .WithMessage($"PageSize must be a whole number from 1 to {TodoQuery.MaxPageSize}.");
    }

    private static bool BeGivenAtMostOnce(string?[]? values) => values is null || values.Length <= 1;

    private static bool IsAbsentOrInRange(string?[]? values, int max) =>
        ListTodosRequest.Single(values) is not { } value || CanonicalNumber.TryParsePositive(value) is { } number && number <= max;
}
