using System.Data.Common;
using System.Runtime.CompilerServices;
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
/// it when the connection closes: EF Core closes it after every SaveChanges, ExecuteUpdate and ExecuteDelete, when a
/// transaction it opened the connection for is disposed, and when a context goes back to the pool, so no path can keep
/// the turn. A writer that waited the whole busy timeout goes on without its turn, as it would without the gate.
/// </para>
/// </summary>
public sealed class SqliteWriteGate(TimeSpan busyTimeout) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Turn> _turns = [];

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
        }
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
}
