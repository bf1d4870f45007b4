namespace Todo.Api.Auth;

public sealed record AccessToken(string Value, int ExpiresInSeconds);
