using System.Net;

namespace Todo.Lambda;

/// <summary>
/// A request to the Runtime API that did not succeed: the Runtime API could not be reached, or answered with an error
/// status. Its message names the Runtime API's address, the request and what went wrong, since it may be the one line
/// a failed process leaves.
/// </summary>
internal sealed class LambdaRuntimeApiException : Exception
{
    public LambdaRuntimeApiException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public LambdaRuntimeApiException()
    {
    }

    public LambdaRuntimeApiException(string message)
        : base(message)
    {
    }

    public LambdaRuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The Runtime API's answer; null when there was none (a refused connection, a broken response).</summary>
    public HttpStatusCode? StatusCode { get; }
}
