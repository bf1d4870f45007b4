namespace Todo.Api.Auth;

public sealed record SignupRequest(string? Email, string? Password);
