using System.Security.Cryptography;

namespace Todo.Tests.Lambda.Support;

internal static class LambdaTestHostSecrets
{
    /// <summary>A real 48-byte random key per test run: never a literal in the repository.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
}
