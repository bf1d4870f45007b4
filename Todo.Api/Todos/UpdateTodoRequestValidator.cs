using FluentValidation;

namespace Todo.Api.Todos;

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
