using System.Globalization;

namespace Todo.Lambda;

/// <summary>
/// The function's name, version and memory size as Lambda's reserved environment variables give them. They are fixed
/// for the life of the execution environment, so they are read once, when the application is built; each unknown
/// (not set, empty, or a memory size that is no positive number) is null.
/// </summary>
internal sealed record LambdaFunctionVariables(string? FunctionName, string? FunctionVersion, int? MemorySizeMegabytes)
{
    public const string FunctionNameVariable = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary><c>$LATEST</c>, or the published version number the invocation's alias or qualifier points to.</summary>
    public const string FunctionVersionVariable = "AWS_LAMBDA_FUNCTION_VERSION";

    public const string MemorySizeVariable = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    public static LambdaFunctionVariables FromProcess() => Read(Environment.GetEnvironmentVariable);

    /// <summary>Reads the variables through <paramref name="variable"/>, so that tests need not change the process's environment.</summary>
    public static LambdaFunctionVariables Read(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var memory = int.TryParse(variable(MemorySizeVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes) && megabytes > 0
            ? megabytes
            : (int?)null;
        return new(NullIfEmpty(variable(FunctionNameVariable)), NullIfEmpty(variable(FunctionVersionVariable)), memory);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
