namespace Todo.Lambda;

/// <summary>What Lambda says about one invocation besides its payload; each part is unknown under the managed runtime.</summary>
internal sealed record LambdaInvocation(string? RequestId, DateTimeOffset? Deadline, string? TraceId);
