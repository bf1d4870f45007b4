using Microsoft.EntityFrameworkCore;
using Todo.Domain.Persistence;
using Todo.Domain.Users;
using Todo.Tests.Support;

namespace Todo.Tests.Domain;

/// <summary>
/// The shared throttle's upserts on a real migrated database, on both providers (its SQL is their common subset),
/// with times chosen by the test: budgets, leases that expire, windows that close.
/// </summary>
public abstract class LoginThrottleRepositoryTests : IAsyncLifetime
{
    private const string Key = "email:ADA@EXAMPLE.COM";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private TodoDbContext _db = null!;

    private LoginThrottleRepository Entries => new(_db);

    public async Task InitializeAsync()
    {
        _db = await CreateDatabaseAsync();
        await _db.Database.MigrateAsync();
    }

    public virtual async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>A context over an empty database of this class's provider.</summary>
    protected abstract Task<TodoDbContext> CreateDatabaseAsync();

    [DatabaseFact]
    public async Task Checks_in_flight_and_failures_together_never_exceed_the_limit()
    {
        Assert.True(await ReserveAsync(Start, limit: 3));
        Assert.True(await ReserveAsync(Start, limit: 3));
        await Entries.CountFailureAsync(Key, releaseCheck: true, Start - Window, Start, CancellationToken.None);
        Assert.True(await ReserveAsync(Start, limit: 3));

        Assert.False(await ReserveAsync(Start, limit: 3));

        var entry = await Entries.FindAsync(Key, CancellationToken.None);
        Assert.Equal((1, 2), (entry!.Failures, entry.InFlight));
    }

    [DatabaseFact]
    public async Task A_released_check_gives_its_room_back_without_counting()
    {
        Assert.True(await ReserveAsync(Start, limit: 1));
        Assert.False(await ReserveAsync(Start, limit: 1));

        await Entries.ReleaseCheckAsync(Key, CancellationToken.None);

        Assert.True(await ReserveAsync(Start, limit: 1));
        Assert.Equal(0, (await Entries.FindAsync(Key, CancellationToken.None))!.Failures);
    }

    [DatabaseFact]
    public async Task Checks_whose_lease_ended_stop_counting_as_a_crashed_instance_would_leave_them()
    {
        Assert.True(await ReserveAsync(Start, limit: 1));

        Assert.False(await ReserveAsync(Start.AddSeconds(59), limit: 1));
        Assert.True(await ReserveAsync(Start.AddSeconds(61), limit: 1));
    }

    [DatabaseFact]
    public async Task Failures_count_in_the_open_window_and_start_a_new_one_after_it_closes()
    {
        await CountFailureAsync(Start);
        await CountFailureAsync(Start.AddMinutes(10));
        var open = await Entries.FindAsync(Key, CancellationToken.None);
        Assert.Equal((Start, 2), (open!.WindowStart, open.Failures));

        var later = Start + Window + TimeSpan.FromSeconds(1);
        await CountFailureAsync(later);

        var reopened = await Entries.FindAsync(Key, CancellationToken.None);
        Assert.Equal((later, 1), (reopened!.WindowStart, reopened.Failures));
    }

    [DatabaseFact]
    public async Task A_full_window_refuses_room_until_it_closes()
    {
        await CountFailureAsync(Start);
        await CountFailureAsync(Start);

        Assert.False(await ReserveAsync(Start.AddMinutes(14), limit: 2));
        Assert.True(await ReserveAsync(Start + Window + TimeSpan.FromSeconds(1), limit: 2));
    }

    [DatabaseFact]
    public async Task Pruning_deletes_closed_windows_and_keeps_open_ones()
    {
        await CountFailureAsync(Start);
        await Entries.CountFailureAsync("client:192.0.2.1", releaseCheck: false, Start.AddMinutes(10) - Window, Start.AddMinutes(10), CancellationToken.None);

        var now = Start + Window + TimeSpan.FromMinutes(1);
        Assert.Equal(1, await Entries.PruneAsync(now - Window, now, CancellationToken.None));

        Assert.Null(await Entries.FindAsync(Key, CancellationToken.None));
        Assert.NotNull(await Entries.FindAsync("client:192.0.2.1", CancellationToken.None));
    }

    private Task<bool> ReserveAsync(DateTime now, int limit) =>
        Entries.TryReserveCheckAsync(Key, limit, now - Window, now, now.AddMinutes(1), CancellationToken.None);

    private Task CountFailureAsync(DateTime now) =>
        Entries.CountFailureAsync(Key, releaseCheck: false, now - Window, now, CancellationToken.None);
}

public sealed class LoginThrottleRepositoryTestsOnSqlite : LoginThrottleRepositoryTests
{
    private readonly TempSqliteDatabase _database = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override Task<TodoDbContext> CreateDatabaseAsync() => Task.FromResult(_database.CreateContext());
}

public sealed class LoginThrottleRepositoryTestsOnPostgres : LoginThrottleRepositoryTests, IRunsOnPostgres
{
    private TempPostgresDatabase? _database;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<TodoDbContext> CreateDatabaseAsync()
    {
        _database = await TempPostgresDatabase.CreateAsync();
        return _database.CreateContext();
    }
}
