using System.Globalization;

namespace Todo.Lambda;

/// <summary>
/// How many invocations the Runtime API loop serves at once: <c>AWS_LAMBDA_MAX_CONCURRENCY</c>, which Lambda sets
/// for a function on Lambda Managed Instances (the function's PerExecutionEnvironmentMaxConcurrency) and sends that
/// many events at a time into one execution environment. Absent, as on Lambda's default compute, it is 1.
/// </summary>
/// <param name="Invocations">The number of invocations served at once: at least 1, at most <see cref="Limit"/>.</param>
/// <param name="Correction">Why the variable's value was not taken as it is; null when it was, or when it is absent.</param>
internal sealed record LambdaMaxConcurrency(int Invocations, string? Correction)
{
    public const string Variable = "AWS_LAMBDA_MAX_CONCURRENCY";

    /// <summary>
    /// A guard against a nonsensical value rather than a tuning knob: every invocation served at once keeps one
    /// connection to the Runtime API open, and Lambda's own .NET default is 32 per vCPU. Lambda holds back the
    /// events beyond what the environment polls for, so serving fewer is safe.
    /// </summary>
    public const int Limit = 1024;

    public static LambdaMaxConcurrency FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static LambdaMaxConcurrency Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new(1, null);
        }

        var aboveLimit = new LambdaMaxConcurrency(Limit, $"{Variable} is above {Limit}");
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var invocations))
        {
            // Too many digits for an int is still "above the limit"; "4.5" or "four" is a mistake, and the safe
            // reading of a mistake is one at a time, as on Lambda's default compute.
            return value.Trim().All(char.IsAsciiDigit) ? aboveLimit : new(1, $"{Variable} is not a whole number");
        }

        return invocations switch
        {
            < 1 => new(1, $"{Variable} is below 1"),
            > Limit => aboveLimit,
            _ => new(invocations, null),
        };
    }
}
