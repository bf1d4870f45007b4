using FluentValidation;

namespace Todo.Api.Todos;

public sealed class ReplaceTodoRequestValidator : AbstractValidator<ReplaceTodoRequest>
{
    public ReplaceTodoRequestValidator()
    {
        RuleFor(request => request.Title).ValidTitle();
        RuleFor(request => request.Completed).NotNull().WithMessage("Completed is required.");
    }
}
