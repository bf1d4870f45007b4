namespace Todo.Api.Auth;

public sealed record UserResponse(int Id, string Email);
