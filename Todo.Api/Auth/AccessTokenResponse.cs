namespace Todo.Api.Auth;

public sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn);
