using BCrypt.Net;
using Microsoft.Extensions.Options;

namespace Todo.Api.Auth;

/// <summary>
/// BCrypt over a SHA-384 pre-hash of the password: BCrypt alone reads only the first 72 bytes, so without the
/// pre-hash two long passwords sharing a prefix would both be accepted.
/// </summary>
public sealed class PasswordHasher
{
    private readonly int _workFactor;

    // A well-formed hash with a real salt at our cost and a digest nothing produces: verifying against it costs
    // exactly one BCrypt run and always fails, and making it costs nothing (no hashing at start-up or first login).
    private readonly string _dummyHash;

    public PasswordHasher(IOptions<PasswordHasherOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _workFactor = options.Value.WorkFactor;
        _dummyHash = BCrypt.Net.BCrypt.GenerateSalt(_workFactor) + new string('.', 31);
    }

    public string Hash(string password) =>
        BCrypt.Net.BCrypt.EnhancedHashPassword(password, _workFactor, HashType.SHA384);

    public bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.EnhancedVerify(password, hash, HashType.SHA384);
        }
        catch (SaltParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Spends the same time as a real check when there is no account, so the response time does not reveal
    /// which addresses are registered.
    /// </summary>
    /// <returns>Always false: no password belongs to no account.</returns>
    public bool VerifyAgainstDummy(string password)
    {
        _ = Verify(password, _dummyHash);
        return false;
    }

}
