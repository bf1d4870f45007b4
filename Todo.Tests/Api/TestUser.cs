namespace Todo.Tests.Api;

/// <summary>A signed-up, logged-in user and an HttpClient that sends its real access token.</summary>
public sealed record TestUser(int Id, string Email, string AccessToken, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
