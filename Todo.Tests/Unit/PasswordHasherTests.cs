using Microsoft.Extensions.Options;
using Todo.Api.Auth;

namespace Todo.Tests.Unit;

public sealed class PasswordHasherTests : IDisposable
{
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHasherOptions()));

    [Fact]
    public async Task A_hash_is_bcrypt_with_work_factor_11_and_never_contains_the_password()
    {
        var hash = await _hasher.HashAsync("correct horse battery", CancellationToken.None);

        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        Assert.Equal("11", hash.Split('$')[2]);
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.NotEqual(hash, await _hasher.HashAsync("correct horse battery", CancellationToken.None));
    }

    [Fact]
    public async Task The_right_password_verifies_and_a_wrong_one_does_not()
    {
        var hash = await _hasher.HashAsync("correct horse battery", CancellationToken.None);

        Assert.True(await _hasher.VerifyAsync("correct horse battery", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("correct horse batterY", hash, CancellationToken.None));
    }

    [Fact]
    public async Task Two_passwords_sharing_their_first_72_bytes_are_different_passwords()
    {
        var prefix = new string('a', 72);
        var hash = await _hasher.HashAsync(prefix + "first", CancellationToken.None);

        Assert.True(await _hasher.VerifyAsync(prefix + "first", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync(prefix + "second", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync(prefix, hash, CancellationToken.None));
    }

    [Fact]
    public async Task Multibyte_passwords_past_72_bytes_are_told_apart()
    {
        var prefix = string.Concat(Enumerable.Repeat("密码", 12)); // 72 bytes of UTF-8
        var hash = await _hasher.HashAsync(prefix + "一", CancellationToken.None);

        Assert.False(await _hasher.VerifyAsync(prefix + "二", hash, CancellationToken.None));
    }

    [Fact]
    public async Task Checking_a_password_for_an_unknown_account_runs_bcrypt_and_fails()
    {
        Assert.False(await _hasher.VerifyAgainstDummyAsync("correct horse battery", CancellationToken.None));
        Assert.False(await _hasher.VerifyAgainstDummyAsync(string.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task A_corrupt_stored_hash_fails_verification_instead_of_throwing()
    {
        Assert.False(await _hasher.VerifyAsync("whatever", "not-a-bcrypt-hash", CancellationToken.None));
    }

    [Fact]
    public async Task A_hash_that_finds_the_queue_full_is_refused_at_once()
    {
        using var hasher = Bounded(queueLimit: 1, queueTimeout: TimeSpan.FromSeconds(30));

        // One runs and one waits; the rest arrive while both slots are taken.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Outcome(hasher.HashAsync("correct horse battery", CancellationToken.None))));

        Assert.InRange(outcomes.Count(refused => refused), 4, 5);
    }

    [Fact]
    public async Task A_hash_that_waits_longer_than_the_queue_timeout_is_refused_with_that_wait_as_retry_after()
    {
        using var hasher = Bounded(queueLimit: 10, queueTimeout: TimeSpan.FromMilliseconds(50));
        var running = hasher.HashAsync("correct horse battery", CancellationToken.None);

        var waiting = await Assert.ThrowsAsync<PasswordHashingSaturatedException>(
            () => hasher.VerifyAsync("correct horse battery", "$2a$12$abcdefghijklmnopqrstuu", CancellationToken.None));

        Assert.Equal(TimeSpan.FromMilliseconds(50), waiting.RetryAfter);
        Assert.StartsWith("$2", await running, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_cancelled_while_it_waits_for_a_slot_ends_with_the_cancellation()
    {
        using var hasher = Bounded(queueLimit: 10, queueTimeout: TimeSpan.FromSeconds(30));
        var running = hasher.HashAsync("correct horse battery", CancellationToken.None);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.HashAsync("another password", cancellation.Token));
        await running;
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

    public void Dispose() => _hasher.Dispose();

    /// <summary>One slot at cost 12 (a quarter of a second here), so that a second hash surely waits for the first.</summary>
    private static PasswordHasher Bounded(int queueLimit, TimeSpan queueTimeout) => new(Options.Create(new PasswordHasherOptions
    {
        WorkFactor = 12,
        MaxConcurrentHashes = 1,
        QueueLimit = queueLimit,
        QueueTimeout = queueTimeout,
    }));

    private static async Task<bool> Outcome(Task hashing)
    {
        try
        {
            await hashing;
            return false;
        }
        catch (PasswordHashingSaturatedException)
        {
            return true;
        }
    }
}
