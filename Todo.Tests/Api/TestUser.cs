namespace Todo.Tests.Api;

/// <summary>A signed-up, logged-in user: its session's real tokens and an HttpClient that sends the access token.</summary>
public sealed record TestUser(int Id, string Email, string AccessToken, string RefreshToken, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
