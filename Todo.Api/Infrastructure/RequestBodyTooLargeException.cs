namespace Todo.Api.Infrastructure;

/// <summary>The request body is larger than the API accepts; answered as 413.</summary>
public sealed class RequestBodyTooLargeException : BadHttpRequestException
{
    public RequestBodyTooLargeException()
        : base("The request body is too large.", StatusCodes.Status413PayloadTooLarge)
    {
    }
}
