using Todo.Api.Auth;
using Todo.Api.Todos;

namespace Todo.Tests.Unit;

public sealed class ValidatorTests
{
    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("  Alice.Smith+todo@Example.co.uk  ")]
    [InlineData("o'brien@example.ie")]
    public void Signup_accepts_real_addresses_and_passwords_of_8_to_128_characters(string email)
    {
        Assert.True(new SignupRequestValidator().Validate(new SignupRequest(email, "12345678")).IsValid);
        Assert.True(new SignupRequestValidator().Validate(new SignupRequest(email, new string('p', 128))).IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@example..com")]
    [InlineData("al ice@example.com")]
    [InlineData("alice@")]
    [InlineData("@example.com")]
    [InlineData("alice@example.com\u200B")] // a zero-width space: the same address to the eye, another account
    [InlineData("al\u200Dice@example.com")]
    [InlineData("\uFEFFalice@example.com")]
    [InlineData("alice@-example.com")]
    [InlineData("alice@example-.com")]
    public void Signup_rejects_what_is_not_an_email_address(string? email)
    {
        var result = new SignupRequestValidator().Validate(new SignupRequest(email, "12345678"));

        Assert.Equal(["Email"], result.Errors.Select(e => e.PropertyName).Distinct());
    }

    [Fact]
    public void Signup_rejects_an_address_over_254_characters_but_counts_after_trimming()
    {
        var local = new string('a', 64);
        var at254 = $"{local}@{new string('b', 254 - 64 - 1 - 4)}.com";
        Assert.Equal(254, at254.Length);

        Assert.True(new SignupRequestValidator().Validate(new SignupRequest($"  {at254}  ", "12345678")).IsValid);
        Assert.False(new SignupRequestValidator().Validate(new SignupRequest("a" + at254, "12345678")).IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1234567")]
    public void Signup_rejects_passwords_shorter_than_8_characters(string? password)
    {
        var result = new SignupRequestValidator().Validate(new SignupRequest("alice@example.com", password));

        Assert.Equal(["Password"], result.Errors.Select(e => e.PropertyName).Distinct());
    }

    [Fact]
    public void Signup_counts_password_characters_not_utf16_units_and_caps_at_128()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 8)); // 8 characters, 16 UTF-16 units
        Assert.True(new SignupRequestValidator().Validate(new SignupRequest("a@b.co", emoji)).IsValid);
        Assert.False(new SignupRequestValidator().Validate(new SignupRequest("a@b.co", new string('p', 129))).IsValid);
    }

    [Fact]
    public void A_password_is_taken_as_sent_so_eight_spaces_are_a_password_and_only_an_empty_one_is_missing()
    {
        Assert.True(new SignupRequestValidator().Validate(new SignupRequest("alice@example.com", "        ")).IsValid);
        Assert.True(new ChangePasswordRequestValidator().Validate(new ChangePasswordRequest(" ", "\t\t\t\t\t\t\t\t")).IsValid);
        Assert.True(new LoginRequestValidator().Validate(new LoginRequest("alice@example.com", " ")).IsValid);
        Assert.True(new DeleteAccountRequestValidator().Validate(new DeleteAccountRequest(" ")).IsValid);
        Assert.False(new SignupRequestValidator().Validate(new SignupRequest("alice@example.com", "       ")).IsValid);
        Assert.False(new LoginRequestValidator().Validate(new LoginRequest("alice@example.com", "")).IsValid);
        Assert.False(new RefreshRequestValidator().Validate(new RefreshRequest("")).IsValid);
    }

    [Fact]
    public void Every_length_limit_counts_code_points_as_the_document_does_not_utf16_units()
    {
        static string Emoji(int count) => string.Concat(Enumerable.Repeat("😀", count));

        Assert.True(new LoginRequestValidator().Validate(new LoginRequest("alice@example.com", Emoji(512))).IsValid);
        Assert.False(new LoginRequestValidator().Validate(new LoginRequest("alice@example.com", Emoji(513))).IsValid);
        Assert.True(new DeleteAccountRequestValidator().Validate(new DeleteAccountRequest(Emoji(512))).IsValid);
        Assert.True(new ChangePasswordRequestValidator().Validate(new ChangePasswordRequest(Emoji(512), Emoji(128))).IsValid);
        Assert.False(new ChangePasswordRequestValidator().Validate(new ChangePasswordRequest(Emoji(513), Emoji(128))).IsValid);
        Assert.True(new RefreshRequestValidator().Validate(new RefreshRequest(Emoji(512))).IsValid);
        Assert.False(new RefreshRequestValidator().Validate(new RefreshRequest(Emoji(513))).IsValid);

        // 254 code points, 496 UTF-16 units.
        var email = Emoji(242) + "@example.com";
        Assert.True(new SignupRequestValidator().Validate(new SignupRequest(email, "12345678")).IsValid);
        Assert.False(new SignupRequestValidator().Validate(new SignupRequest("😀" + email, "12345678")).IsValid);
    }

    [Fact]
    public void Login_requires_an_email_and_a_password_but_not_their_signup_rules()
    {
        Assert.True(new LoginRequestValidator().Validate(new LoginRequest("alice@example.com", "short")).IsValid);
        var result = new LoginRequestValidator().Validate(new LoginRequest(null, ""));
        Assert.Equal(["Email", "Password"], result.Errors.Select(e => e.PropertyName).Distinct().Order());
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("  padded  ", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    public void A_new_todo_needs_a_title_that_is_not_blank(string? title, bool valid)
    {
        Assert.Equal(valid, new CreateTodoRequestValidator().Validate(new CreateTodoRequest(title)).IsValid);
    }

    [Fact]
    public void A_title_may_have_200_characters_after_trimming_and_no_more()
    {
        Assert.True(new CreateTodoRequestValidator().Validate(new CreateTodoRequest("  " + new string('t', 200) + "  ")).IsValid);
        Assert.True(new CreateTodoRequestValidator().Validate(new CreateTodoRequest(string.Concat(Enumerable.Repeat("🎉", 200)))).IsValid);
        Assert.False(new CreateTodoRequestValidator().Validate(new CreateTodoRequest(new string('t', 201))).IsValid);
    }

    [Fact]
    public void Replacing_a_todo_needs_both_title_and_completed()
    {
        var validator = new ReplaceTodoRequestValidator();

        Assert.True(validator.Validate(new ReplaceTodoRequest("t", false)).IsValid);
        Assert.Equal(["Completed"], validator.Validate(new ReplaceTodoRequest("t", null)).Errors.Select(e => e.PropertyName));
        Assert.Equal(["Title"], validator.Validate(new ReplaceTodoRequest(null, true)).Errors.Select(e => e.PropertyName));
    }

    [Fact]
    public void Patching_checks_only_the_fields_that_were_sent_and_rejects_explicit_nulls()
    {
        var validator = new UpdateTodoRequestValidator();

        Assert.True(validator.Validate(new UpdateTodoRequest()).IsValid);
        Assert.True(validator.Validate(new UpdateTodoRequest { Completed = true }).IsValid);
        Assert.Equal(["Title"], validator.Validate(new UpdateTodoRequest { Title = null }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["Completed"], validator.Validate(new UpdateTodoRequest { Completed = null }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["Title"], validator.Validate(new UpdateTodoRequest { Title = "  " }).Errors.Select(e => e.PropertyName));
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("true", "1", "1", null)]
    [InlineData("false", "2147483647", "100", null)]
    [InlineData("yes", null, null, "Completed")]
    [InlineData("1", null, null, "Completed")]
    [InlineData("TRUE", null, null, "Completed")]
    [InlineData(null, "0", null, "Page")]
    [InlineData(null, "-1", null, "Page")]
    [InlineData(null, "abc", null, "Page")]
    [InlineData(null, "1.5", null, "Page")]
    [InlineData(null, "2147483648", null, "Page")]
    [InlineData(null, " 1", null, "Page")]
    [InlineData(null, "1\0", null, "Page")]
    [InlineData(null, "01", null, "Page")]
    [InlineData(null, "١", null, "Page")]
    [InlineData(null, null, "0", "PageSize")]
    [InlineData(null, null, "101", "PageSize")]
    [InlineData(null, null, "+5", "PageSize")]
    [InlineData("", null, null, "Completed")] // an empty value is a value, not an absent parameter
    [InlineData(null, "", null, "Page")]
    [InlineData(null, null, " ", "PageSize")]
    public void Listing_accepts_only_true_or_false_and_positive_pages_of_1_to_100(string? completed, string? page, string? pageSize, string? invalidField)
    {
        var result = new ListTodosRequestValidator().Validate(new ListTodosRequest
        {
            Completed = completed is null ? null : [completed],
            Page = page is null ? null : [page],
            PageSize = pageSize is null ? null : [pageSize],
        });

        Assert.Equal(invalidField is null ? [] : [invalidField], result.Errors.Select(e => e.PropertyName));
    }

    [Fact]
    public void Listing_rejects_a_parameter_given_twice()
    {
        var result = new ListTodosRequestValidator().Validate(new ListTodosRequest { Page = ["1", "2"], Completed = ["true", "true"] });

        Assert.Equal(["Completed", "Page"], result.Errors.Select(e => e.PropertyName).Order());
    }
}
