using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, synchronous=NORMAL still survives a crashed or killed process
/// (a committed transaction is in the WAL file before the commit returns); it only gives up durability of the
/// last transactions on power loss, and saves an fsync per write.
/// <para>
/// A setting lives as long as the SQLite connection, and Microsoft.Data.Sqlite pools those: EF Core opens a pooled
/// connection for every query, so the setting is made only the first time a connection's handle is seen.
/// </para>
/// <para>
/// The connection itself is made here rather than by EF Core, which would register its SQL functions on it (regexp
/// and decimal arithmetic, none of which a query here uses). Microsoft.Data.Sqlite applies registered functions to
/// the native handle at every open and removes them at every close, a dozen native calls under a global lock for
/// each query; and a pooled context makes a new connection for every request.
/// </para>
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous = NORMAL;";

    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new SqliteConnection(eventData.ConnectionString));

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsNew(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsNew(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool IsNew(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, handle);
}
