using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Todo.Api.Infrastructure;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, synchronous=NORMAL still survives a crashed or killed process
/// (a committed transaction is in the WAL file before the commit returns); it only gives up durability of the
/// last transactions on power loss, and saves an fsync per write.
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
