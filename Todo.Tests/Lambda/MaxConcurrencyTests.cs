using Todo.Lambda;

namespace Todo.Tests.Lambda;

public sealed class MaxConcurrencyTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_the_variable_invocations_are_served_one_at_a_time(string? value) =>
        Assert.Equal(new LambdaMaxConcurrency(1, null), LambdaMaxConcurrency.Parse(value));

    [Theory]
    [InlineData("1", 1)]
    [InlineData("4", 4)]
    [InlineData("64", 64)]
    [InlineData("1024", 1024)]
    public void A_whole_number_from_1_to_the_limit_is_taken_as_it_is(string value, int invocations) =>
        Assert.Equal(new LambdaMaxConcurrency(invocations, null), LambdaMaxConcurrency.Parse(value));

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("four")]
    [InlineData("2.5")]
    [InlineData("0x10")]
    public void A_value_that_is_no_count_of_invocations_falls_back_to_one_at_a_time_and_says_why(string value)
    {
        var concurrency = LambdaMaxConcurrency.Parse(value);

        Assert.Equal(1, concurrency.Invocations);
        Assert.StartsWith("AWS_LAMBDA_MAX_CONCURRENCY is ", concurrency.Correction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1025")]
    [InlineData("99999999999999999999")]
    public void A_value_above_the_limit_is_capped_and_says_so(string value) =>
        Assert.Equal(
            new LambdaMaxConcurrency(LambdaMaxConcurrency.Limit, "AWS_LAMBDA_MAX_CONCURRENCY is above 1024"),
            LambdaMaxConcurrency.Parse(value));
}
