namespace Todo.Api.Auth;

/// <summary>What a login and a refresh answer: a short-lived access token and the refresh token that renews it.</summary>
public sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);
