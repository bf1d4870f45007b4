using System.Diagnostics;
using Microsoft.Extensions.Options;
using Todo.Api.Auth;

namespace Todo.Benchmarks;

/// <summary>
/// What one login's BCrypt verification costs on this machine, through the app's own <see cref="PasswordHasher"/>
/// at its default work factor: the unit of the Kestrel cold-start target (the ceiling's list + two verifications +
/// 100 ms), which a constant from another machine would misstate (125 ms where the issue was measured; 170 ms on
/// an Intel Xeon of these machines). A stopwatch, not BenchmarkDotNet: a verification is long enough for one, and
/// bench/cold-start.sh needs the figure in seconds rather than minutes.
/// </summary>
public static class PasswordVerificationCost
{
    private const int WarmUp = 5, Measured = 9;

    /// <summary>The median of <see cref="Measured"/> verifications after <see cref="WarmUp"/> unmeasured ones.</summary>
    public static async Task<double> MedianMillisecondsAsync()
    {
        using var hasher = new PasswordHasher(Options.Create(new PasswordHasherOptions()));
        const string Password = "benchmark-password";
        var hash = await hasher.HashAsync(Password, CancellationToken.None);

        var times = new List<double>();
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (!await hasher.VerifyAsync(Password, hash, CancellationToken.None))
            {
                throw new InvalidOperationException("The password did not verify against its own hash.");
            }

            if (i >= WarmUp)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
