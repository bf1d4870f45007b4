using FluentValidation;

namespace Todo.Api.Todos;

public sealed class CreateTodoRequestValidator : AbstractValidator<CreateTodoRequest>
{
    public CreateTodoRequestValidator()
    {
        RuleFor(request => request.Title).ValidTitle();
    }
}
