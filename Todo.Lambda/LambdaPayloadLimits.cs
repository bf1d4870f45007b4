namespace Todo.Lambda;

internal static class LambdaPayloadLimits
{
    /// <summary>Lambda's limit for a synchronous invocation's response payload (6 MB), counted on the whole JSON.</summary>
    public const int SynchronousResponseBytes = 6_291_556;

    /// <summary>An ALB target's response limit (1 MB), stricter than Lambda's own.</summary>
    public const int ApplicationLoadBalancerResponseBytes = 1_048_576;
}
