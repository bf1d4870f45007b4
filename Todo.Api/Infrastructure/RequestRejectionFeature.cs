namespace Todo.Api.Infrastructure;

/// <summary>
/// Why a request that could not be read (bad framing, a body cut short or too large) was refused: said by the request
/// line, so that such a request costs one log line, not one from the exception handler and one for the request.
/// </summary>
internal sealed record RequestRejectionFeature(string Reason);
