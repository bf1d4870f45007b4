using FluentValidation;

namespace Todo.Api.Auth;

public sealed record LoginRequest(string? Email, string? Password);

/// <summary>Login checks shape only; whether the password is right is the account service's business.</summary>
public sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(request => request.Email).ValidEmail();
        RuleFor(request => request.Password).PresentedPassword();
    }
}
