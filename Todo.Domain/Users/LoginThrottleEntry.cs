namespace Todo.Domain.Users;

/// <summary>
/// One throttle key's failure window, in the database so that every instance sees the same count
/// (<see cref="LoginThrottleRepository"/>), and the password checks it has in flight.
/// </summary>
public sealed class LoginThrottleEntry
{
    /// <summary>Room for "email:" or "client:" and the longest email.</summary>
    public const int MaxKeyLength = 300;

    public string Key { get; private set; } = string.Empty;

    /// <summary>When the first failure of the window was counted.</summary>
    public DateTime WindowStart { get; private set; }

    public int Failures { get; private set; }

    /// <summary>Checks running now; they stop counting at <see cref="InFlightUntil"/>, so a crashed instance's checks expire.</summary>
    public int InFlight { get; private set; }

    public DateTime InFlightUntil { get; private set; }
}
