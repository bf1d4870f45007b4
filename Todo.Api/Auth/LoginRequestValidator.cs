using FluentValidation;

namespace Todo.Api.Auth;

/// <summary>Login checks shape only; whether the password is right is the account service's business.</summary>
public sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(request => request.Email).ValidEmail();
        RuleFor(request => request.Password)
            .NotEmpty().WithMessage("Password is required.")
            .MaximumLength(4 * CredentialRules.MaxPasswordLength).WithMessage("Password is too long.");
    }
}
