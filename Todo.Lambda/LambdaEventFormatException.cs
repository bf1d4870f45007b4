namespace Todo.Lambda;

/// <summary>
/// The invocation payload is not a proxy event this adapter can translate. It fails the invocation rather than
/// producing an HTTP response, because there is no HTTP client on the other end that could make sense of one.
/// </summary>
public sealed class LambdaEventFormatException : Exception
{
    public LambdaEventFormatException()
    {
    }

    public LambdaEventFormatException(string message)
        : base(message)
    {
    }

    public LambdaEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
