using System.Text.Json;
using Npgsql;
using Todo.Tests.Lambda.Support;
using Todo.Tests.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// Two Lambda execution environments (two entry points, as two cold starts make) on one PostgreSQL database: no
/// SQLite copy in /tmp even with a bundled database configured, and one set of data whichever environment serves.
/// </summary>
public sealed class LambdaOnPostgresTests : IRunsOnPostgres, IDisposable
{
    private readonly string _database = PostgresServer.NewDatabaseName();

    public void Dispose() => PostgresServer.DropDatabase(_database);

    [DatabaseFact]
    public async Task Two_environments_share_accounts_todos_and_sessions_in_the_database_not_in_a_SQLite_copy()
    {
        string[] postgres =
        [
            "--Database:Provider=Postgres",
            $"--ConnectionStrings:Todo={PostgresServer.ConnectionStringFor(_database)}",
            "--Database:BundledSqliteFile=todo.db",
        ];
        await using var first = new LambdaTestHost(LambdaProbes.None, postgres);
        await using var second = new LambdaTestHost(LambdaProbes.None, postgres);
        var values = new Dictionary<string, string>();
        Task<JsonElement> InvokeAsync(LambdaTestHost host, string name) => host.InvokeFileAsync(LambdaTestPaths.Own($"v1-{name}.json"), values);

        Assert.Equal(201, (await InvokeAsync(first, "signup")).Status());
        var login = await InvokeAsync(second, "login");
        Assert.Equal(200, login.Status());
        values["token"] = login.Json().GetProperty("accessToken").GetString()!;
        var created = await InvokeAsync(second, "create-todo");
        Assert.Equal(201, created.Status());
        values["id"] = created.Json().GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var fetched = await InvokeAsync(first, "get-todo");

        Assert.Equal(200, fetched.Status());
        Assert.Equal(created.Json().GetRawText(), fetched.Json().GetRawText());

        // The writes are in the PostgreSQL database, not in a SQLite copy that both in-process hosts could share.
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionStringFor(_database));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("""SELECT COUNT(*) FROM "Todos" """, connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());

        // So are the sessions: a logout in one environment ends the token in the other at once.
        Assert.Equal(204, (await InvokeAsync(first, "logout")).Status());
        Assert.Equal(401, (await InvokeAsync(second, "me")).Status());
    }
}
