using FluentValidation;

namespace Todo.Api.Auth;

public sealed record RefreshRequest(string? RefreshToken);

public sealed class RefreshRequestValidator : AbstractValidator<RefreshRequest>
{
    /// <summary>Ours are 43 characters; anything far longer is not worth hashing.</summary>
    public const int MaxRefreshTokenLength = 512;

    public RefreshRequestValidator()
    {
        RuleFor(request => request.RefreshToken)
            .NotEmpty().WithMessage("Refresh token is required.")
            .MaximumLength(MaxRefreshTokenLength).WithMessage("Refresh token is too long.");
    }
}

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed class ChangePasswordRequestValidator : AbstractValidator<ChangePasswordRequest>
{
    public ChangePasswordRequestValidator()
    {
        RuleFor(request => request.CurrentPassword).PresentedPassword();
        RuleFor(request => request.NewPassword).ValidNewPassword();
    }
}

public sealed record DeleteAccountRequest(string? Password);

public sealed class DeleteAccountRequestValidator : AbstractValidator<DeleteAccountRequest>
{
    public DeleteAccountRequestValidator()
    {
        RuleFor(request => request.Password).PresentedPassword();
    }
}
