using Microsoft.Extensions.Options;
using Todo.Api.Auth;

namespace Todo.Tests.Unit;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHasherOptions()));

    [Fact]
    public void A_hash_is_bcrypt_with_work_factor_11_and_never_contains_the_password()
    {
        var hash = _hasher.Hash("correct horse battery");

        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        Assert.Equal("11", hash.Split('$')[2]);
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.NotEqual(hash, _hasher.Hash("correct horse battery"));
    }

    [Fact]
    public void The_right_password_verifies_and_a_wrong_one_does_not()
    {
        var hash = _hasher.Hash("correct horse battery");

        Assert.True(_hasher.Verify("correct horse battery", hash));
        Assert.False(_hasher.Verify("correct horse batterY", hash));
    }

    [Fact]
    public void Two_passwords_sharing_their_first_72_bytes_are_different_passwords()
    {
        var prefix = new string('a', 72);
        var hash = _hasher.Hash(prefix + "first");

        Assert.True(_hasher.Verify(prefix + "first", hash));
        Assert.False(_hasher.Verify(prefix + "second", hash));
        Assert.False(_hasher.Verify(prefix, hash));
    }

    [Fact]
    public void Multibyte_passwords_past_72_bytes_are_told_apart()
    {
        var prefix = string.Concat(Enumerable.Repeat("密码", 12)); // 72 bytes of UTF-8
        var hash = _hasher.Hash(prefix + "一");

        Assert.False(_hasher.Verify(prefix + "二", hash));
    }

    [Fact]
    public void Checking_a_password_for_an_unknown_account_runs_bcrypt_and_fails()
    {
        Assert.False(_hasher.VerifyAgainstDummy("correct horse battery"));
        Assert.False(_hasher.VerifyAgainstDummy(string.Empty));
    }

    [Fact]
    public void A_corrupt_stored_hash_fails_verification_instead_of_throwing()
    {
        Assert.False(_hasher.Verify("whatever", "not-a-bcrypt-hash"));
    }

    [Fact]
    public void A_work_factor_below_11_is_rejected_by_the_options()
    {
        var weak = new PasswordHasherOptions { WorkFactor = 10 };
        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            weak,
            new System.ComponentModel.DataAnnotations.ValidationContext(weak),
            [],
            validateAllProperties: true);

        Assert.False(valid);
    }
}
