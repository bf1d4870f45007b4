using System.Diagnostics.Metrics;

namespace Todo.Api.Telemetry;

/// <summary>
/// The application's own counters, on one meter. Without a listener (no OpenTelemetry, no EMF writer) an increment
/// is a field check, so the counters are always incremented and cost nothing until something listens.
/// </summary>
public sealed class TodoApiMetrics
{
    public const string MeterName = "Todo.Api";

    public const string SignupsName = "todo_api.signups";
    public const string LoginsName = "todo_api.logins";
    public const string TodosCreatedName = "todo_api.todos.created";
    public const string TodosDeletedName = "todo_api.todos.deleted";

    /// <summary>The attribute of <see cref="LoginsName"/>: success, failure, throttled or saturated.</summary>
    public const string ResultTag = "result";

    private readonly Counter<long> _signups;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _todosCreated;
    private readonly Counter<long> _todosDeleted;

    public TodoApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory owns the meter: it is disposed with the service provider, and each test host gets its own.
        var meter = meterFactory.Create(MeterName);
        _signups = meter.CreateCounter<long>(SignupsName, "{signup}", "Accounts created.");
        _logins = meter.CreateCounter<long>(LoginsName, "{login}", "Login attempts, by result.");
        _todosCreated = meter.CreateCounter<long>(TodosCreatedName, "{todo}", "Todos created.");
        _todosDeleted = meter.CreateCounter<long>(TodosDeletedName, "{todo}", "Todos deleted.");
    }

    public void SignedUp() => _signups.Add(1);

    public void LoggedIn(LoginOutcome outcome) =>
        _logins.Add(1, new KeyValuePair<string, object?>(ResultTag, outcome switch
        {
            LoginOutcome.Success => "success",
            LoginOutcome.Failure => "failure",
            LoginOutcome.Throttled => "throttled",
            _ => "saturated",
        }));

    public void TodoCreated() => _todosCreated.Add(1);

    public void TodoDeleted() => _todosDeleted.Add(1);
}

/// <summary>How a login ended, as counted by <see cref="TodoApiMetrics.LoggedIn"/>.</summary>
public enum LoginOutcome
{
    Success,
    Failure,
    Throttled,

    /// <summary>No hashing slot came free in time: the 503.</summary>
    Saturated,
}
