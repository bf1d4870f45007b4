namespace Todo.Api.Telemetry;

/// <summary>How a login ended, as counted by <see cref="TodoApiMetrics.LoggedIn"/>.</summary>
public enum LoginOutcome
{
    Success,
    Failure,
    Throttled,

    /// <summary>No hashing slot came free in time: the 503.</summary>
    Saturated,
}
