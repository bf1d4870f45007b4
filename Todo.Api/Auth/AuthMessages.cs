using System.Globalization;
using System.Net.Mail;
using FluentValidation;
using Todo.Domain.Users;

namespace Todo.Api.Auth;

// The bodies of the auth routes: each request with its validator, the email and password rules they share, then
// the responses.

public sealed record SignupRequest(string? Email, string? Password);

public sealed class SignupRequestValidator : AbstractValidator<SignupRequest>
{
    public SignupRequestValidator()
    {
        RuleFor(request => request.Email).ValidEmail();
        RuleFor(request => request.Password).ValidNewPassword();
    }
}

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

public sealed record RefreshRequest(string? RefreshToken);

public sealed class RefreshRequestValidator : AbstractValidator<RefreshRequest>
{
    /// <summary>Ours are 43 characters; anything far longer is not worth hashing.</summary>
    public const int MaxRefreshTokenLength = 512;

    public RefreshRequestValidator()
    {
        RuleFor(request => request.RefreshToken).PresentText("Refresh token", MaxRefreshTokenLength);
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

/// <summary>The rules for an email and a password, shared by the validators of every request that carries one.</summary>
public static class CredentialRules
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static IRuleBuilderOptions<T, string?> ValidEmail<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Email is required.")
            .Must(email => CountCharacters(EmailAddress.Trim(email!)) <= User.MaxEmailLength)
            .WithMessage($"Email must be at most {User.MaxEmailLength} characters.")
            .Must(email => IsValidAddress(EmailAddress.Trim(email!))).WithMessage("Email must be a valid email address.");

    /// <summary>
    /// A password is taken as sent, spaces and all: eight spaces are eight characters, as the contract and the
    /// document's <c>minLength</c> count them (and as NIST SP 800-63B asks: any printing character, space included).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> ValidNewPassword<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .Must(password => !string.IsNullOrEmpty(password)).WithMessage("Password is required.")
            .Must(password => CountCharacters(password!) is >= MinPasswordLength and <= MaxPasswordLength)
            .WithMessage($"Password must be {MinPasswordLength} to {MaxPasswordLength} characters.");

    /// <summary>
    /// A password offered for checking (login, password change, account deletion): present and of a sane size; its
    /// length rules are not repeated, so an old password that predates them still gets its honest 401.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> PresentedPassword<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.PresentText("Password", 4 * MaxPasswordLength);

    /// <summary>
    /// Text taken as sent: present (only an empty string is missing; whitespace is text) and at most
    /// <paramref name="maxLength"/> code points, not worth hashing beyond that.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> PresentText<T>(this IRuleBuilderInitial<T, string?> rule, string name, int maxLength) =>
        rule.Cascade(CascadeMode.Stop)
            .Must(text => !string.IsNullOrEmpty(text)).WithMessage($"{name} is required.")
            .Must(text => CountCharacters(text!) <= maxLength).WithMessage($"{name} is too long.");

    /// <summary>Characters as a person counts them: Unicode code points, not UTF-16 units.</summary>
    public static int CountCharacters(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.EnumerateRunes().Count();
    }

    private static bool IsValidAddress(string email)
    {
        // Invisible characters (zero-width spaces and joiners, a byte order mark) would make a second account of an
        // address that looks the same.
        if (email.Length == 0 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format))
        {
            return false;
        }

        // MailAddress also accepts display names and comments; only a bare address that round-trips counts.
        if (!MailAddress.TryCreate(email, out var address) || !string.Equals(address.Address, email, StringComparison.Ordinal))
        {
            return false;
        }

        // Every label of the domain non-empty, and none starting or ending with a hyphen (RFC 1035 §2.3.1).
        var at = email.LastIndexOf('@');
        return at > 0 && email[(at + 1)..].Split('.').All(label => label.Length > 0 && !label.StartsWith('-') && !label.EndsWith('-'));
    }
}

public sealed record UserResponse(int Id, string Email);

/// <summary>What a login and a refresh answer: a short-lived access token and the refresh token that renews it.</summary>
public sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);
