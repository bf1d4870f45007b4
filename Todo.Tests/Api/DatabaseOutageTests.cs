using System.Net;
using Npgsql;
using Todo.Api.Infrastructure;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>A PostgreSQL server that drops the API's connections (a restart, a failover) mid-run.</summary>
public sealed class DatabaseOutageTests : IRunsOnPostgres
{
    [DatabaseFact]
    public async Task A_request_that_meets_dropped_database_connections_is_503_with_Retry_After_and_later_ones_are_served()
    {
        using var app = TodoApplication.Create(DatabaseProvider.Postgres);
        var user = await app.CreateUserAsync();
        using (var before = await user.Client.GetAsync("/todos"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // What a server restart does to every pooled connection of the API, without the wait for the restart.
        await using (var admin = new NpgsqlConnection(PostgresServer.ConnectionStringFor("postgres")))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", admin);
            terminate.Parameters.AddWithValue("database", app.DatabaseName);
            Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
        }

        using var refused = await user.Client.GetAsync("/todos");
        var problem = await Problems.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("The database is unavailable.", problem.GetProperty("title").GetString());
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 10);

        // Each broken pooled connection fails once, as 503; a fresh one serves.
        var statuses = new List<HttpStatusCode>();
        while (statuses.Count < 20 && statuses.LastOrDefault() != HttpStatusCode.OK)
        {
            using var next = await user.Client.GetAsync("/todos");
            statuses.Add(next.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[^1]);
        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
    }
}
