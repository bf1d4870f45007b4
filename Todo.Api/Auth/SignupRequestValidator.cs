using FluentValidation;

namespace Todo.Api.Auth;

public sealed class SignupRequestValidator : AbstractValidator<SignupRequest>
{
    public SignupRequestValidator()
    {
        RuleFor(request => request.Email).ValidEmail();
        RuleFor(request => request.Password).ValidNewPassword();
    }
}
