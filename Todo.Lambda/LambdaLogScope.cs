using System.Collections;
using System.Globalization;

namespace Todo.Lambda;

/// <summary>
/// The logging scope of one invocation: Lambda's request id under the adapter's own key (<c>AwsRequestId</c>) and the
/// keys Powertools for AWS Lambda writes (<c>cold_start</c>, <c>function_request_id</c>, <c>xray_trace_id</c>,
/// <c>function_name</c>, <c>function_memory_size</c>), so that log queries written for Powertools find these lines too.
/// A JSON console formatter writes it as an object with those keys; its <see cref="ToString"/> is "key=value, …", never
/// a type name.
/// </summary>
internal sealed class LambdaLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string RequestIdKey = "AwsRequestId";
    public const string ColdStartKey = "cold_start";
    public const string FunctionRequestIdKey = "function_request_id";
    public const string XRayTraceIdKey = "xray_trace_id";
    public const string FunctionNameKey = "function_name";
    public const string FunctionMemorySizeKey = "function_memory_size";

    private readonly List<KeyValuePair<string, object?>> _entries = [];

    private LambdaLogScope()
    {
    }

    public int Count => _entries.Count;

    public KeyValuePair<string, object?> this[int index] => _entries[index];

    /// <summary>The scope of an invocation; unknown values (the managed runtime tells few) are left out.</summary>
    public static LambdaLogScope For(LambdaInvocation invocation, LambdaFunctionVariables function, bool? coldStart)
    {
        var scope = new LambdaLogScope();
        scope.Add(RequestIdKey, invocation.RequestId);
        if (coldStart is { } cold)
        {
            scope.Add(ColdStartKey, cold);
        }

        scope.Add(FunctionRequestIdKey, invocation.RequestId);
        scope.Add(XRayTraceIdKey, RootOf(invocation.TraceId));
        scope.Add(FunctionNameKey, function.FunctionName);
        scope.Add(FunctionMemorySizeKey, function.MemorySizeMegabytes);
        return scope;
    }

    /// <summary>
    /// The trace id of an X-Ray trace header (<c>Root=1-…;Parent=…;Sampled=…</c>): its <c>Root</c>, as Powertools logs
    /// it and as the X-Ray console searches for it; the header as it is when it has no <c>Root</c>.
    /// </summary>
    public static string? RootOf(string? traceHeader)
    {
        if (string.IsNullOrEmpty(traceHeader))
        {
            return null;
        }

        foreach (var part in traceHeader.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                return part["Root=".Length..];
            }
        }

        return traceHeader;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(", ", _entries.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Key}={entry.Value}")));

    private void Add(string key, object? value)
    {
        if (value is not null)
        {
            _entries.Add(new(key, value));
        }
    }
}
