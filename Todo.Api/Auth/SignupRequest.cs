using FluentValidation;

namespace Todo.Api.Auth;

public sealed record SignupRequest(string? Email, string? Password);

public sealed class SignupRequestValidator : AbstractValidator<SignupRequest>
{
    public SignupRequestValidator()
    {
        RuleFor(request => request.Email).ValidEmail();
        RuleFor(request => request.Password).ValidNewPassword();
    }
}
