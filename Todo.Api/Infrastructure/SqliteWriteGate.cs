using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Todo.Api.Infrastructure;

/// <summary>
/// One writer at a time per process, queued as they arrive. SQLite admits one writer per database; a second one that
/// finds the lock taken is answered "busy", and Microsoft.Data.Sqlite retries it after sleeping about 150 ms — a
/// create that should take a fraction of a millisecond then takes hundreds (the p99 of writes under load). Queued on
/// this gate instead, writers of this process never meet the lock; writers of other processes on the same file
/// still get the busy timeout.
/// <para>
/// A connection enters the queue when it begins a transaction or runs a statement that writes outside one, and leaves
/// it when the connection closes: EF Core closes it after every SaveChanges, ExecuteUpdate, ExecuteDelete and raw-SQL
/// statement (a create's <c>INSERT … RETURNING</c> when its reader is disposed), when a transaction it opened the
/// connection for is disposed, and when a context goes back to the pool, so no path can keep the turn. A writer that waited the whole busy timeout goes on without its turn, as it would without the gate.
/// </para>
/// <para>
/// The gate also keeps the write-ahead log short. SQLite starts the log afresh only when a write begins at a moment no
/// reader is still using it; under steady concurrent load there always is one, so its automatic checkpoints copy
/// pages into the database but the log never restarts: it grew by 400 MB in 15 s of creates, every commit ran a
/// checkpoint, and every append wrote new file blocks. So every <see cref="WritesPerCheckpoint"/> writes a background
/// checkpoint copies what it can without blocking anyone, and once the log holds <see cref="RestartAtFrames"/> pages
/// takes the writers' turn and restarts it (<c>wal_checkpoint(RESTART)</c>: readers that began before the copy
/// finish, later ones read the database file). The writers of this process wait for that on the gate, not on the lock.
/// </para>
/// </summary>
public sealed partial class SqliteWriteGate(TimeSpan busyTimeout, ILogger<SqliteWriteGate> logger) : IDisposable
{
    /// <summary>About 400 pages of this API's writes, a tenth of the pages SQLite's automatic checkpoint waits for.</summary>
    private const int WritesPerCheckpoint = 100;

    /// <summary>Pages (frames) in the log from which it is restarted: about 2 MiB.</summary>
    private const int RestartAtFrames = 500;

    /// <summary>How long (ms) the restart waits for readers of the log while it holds the writers' turn.</summary>
    private const string ReaderWait = "PRAGMA busy_timeout = 50;";

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Turn> _turns = [];
    private int _writesSinceCheckpoint;
    private int _checkpointRunning;

    public void Dispose() => _turn.Dispose();

    /// <summary>The interceptors to add to every context of this process; they share this gate.</summary>
    public IInterceptor[] Interceptors => [new TransactionEntrance(this), new CommandEntrance(this), new ConnectionExit(this)];

    private async ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrCreateValue(connection);
        if (turn.State != TurnState.None)
        {
            return;
        }

        turn.State = await _turn.WaitAsync(busyTimeout, cancellationToken) ? TurnState.Held : TurnState.GaveUp;
    }

    private void Enter(DbConnection connection)
    {
        var turn = _turns.GetOrCreateValue(connection);
        if (turn.State == TurnState.None)
        {
            turn.State = _turn.Wait(busyTimeout) ? TurnState.Held : TurnState.GaveUp;
        }
    }

    private void Leave(DbConnection connection)
    {
        if (!_turns.TryGetValue(connection, out var turn) || turn.State == TurnState.None)
        {
            return;
        }

        var held = turn.State == TurnState.Held;
        turn.State = TurnState.None;
        if (held)
        {
            _turn.Release();
            if (Interlocked.Increment(ref _writesSinceCheckpoint) >= WritesPerCheckpoint && Interlocked.CompareExchange(ref _checkpointRunning, 1, 0) == 0)
            {
                Volatile.Write(ref _writesSinceCheckpoint, 0);
                _ = Task.Run(() => CheckpointAsync(connection.ConnectionString));
            }
        }
    }

    private async Task CheckpointAsync(string connectionString)
    {
        try
        {
            // A connection of its own, outside the pool and EF Core's interceptors, with SQLite's busy handler: the
            // restart then waits in SQLite for the last readers of the log instead of giving up at once. It never
            // creates the file: a database removed meanwhile stays removed.
            var settings = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite };
            await using var connection = new SqliteConnection(settings.ToString());
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = ReaderWait;
            await command.ExecuteNonQueryAsync();

            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            if ((await CheckpointResultAsync(command)).Frames < RestartAtFrames || !await _turn.WaitAsync(busyTimeout))
            {
                return;
            }

            try
            {
                command.CommandText = "PRAGMA wal_checkpoint(RESTART);";
                if (await CheckpointResultAsync(command) is { Busy: true, Frames: var frames })
                {
                    // Readers kept the log (or another process writes): the next checkpoint tries again.
                    LogNotRestarted(logger, frames);
                }
            }
            finally
            {
                _turn.Release();
            }
        }
        catch (Exception exception) when (exception is SqliteException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A database removed or closed under it, or the host stopping: nothing a later checkpoint cannot redo.
            LogCheckpointFailed(logger, exception);
        }
        finally
        {
            Volatile.Write(ref _checkpointRunning, 0);
        }
    }

    /// <summary>Runs a <c>wal_checkpoint</c> pragma: whether it was blocked, and how many pages the log holds.</summary>
    private static async Task<(bool Busy, long Frames)> CheckpointResultAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0) != 0, reader.GetInt64(1)) : (false, 0);
    }

    private static bool Writes(DbCommand command) =>
        command.Transaction is null && !command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    private enum TurnState
    {
        None,
        Held,
        GaveUp,
    }

    private sealed class Turn
    {
        public TurnState State { get; set; }
    }

    private sealed class TransactionEntrance(SqliteWriteGate queue) : DbTransactionInterceptor
    {
        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            queue.Enter(connection);
            return result;
        }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            await queue.EnterAsync(connection, cancellationToken);
            return result;
        }
    }

    private sealed class CommandEntrance(SqliteWriteGate queue) : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            if (Writes(command))
            {
                queue.Enter(command.Connection!);
            }

            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Writes(command))
            {
                await queue.EnterAsync(command.Connection!, cancellationToken);
            }

            return result;
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            if (Writes(command))
            {
                queue.Enter(command.Connection!);
            }

            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Writes(command))
            {
                await queue.EnterAsync(command.Connection!, cancellationToken);
            }

            return result;
        }
    }

    private sealed class ConnectionExit(SqliteWriteGate queue) : DbConnectionInterceptor
    {
        public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => queue.Leave(connection);

        public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
        {
            queue.Leave(connection);
            return Task.CompletedTask;
        }

        // A context disposed with its connection open closes it without the events above.
        public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => queue.Leave(connection);

        public override Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
        {
            queue.Leave(connection);
            return Task.CompletedTask;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The SQLite write-ahead log was not restarted: {Frames} pages are still in use")]
    private static partial void LogNotRestarted(ILogger logger, long frames);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A checkpoint of the SQLite write-ahead log failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
