using System.Net;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>
/// Password hashing is a bounded resource: ordinary bursts fit, a storm gets 503 with Retry-After instead of
/// queueing without bound, and what was refused is neither lost nor counted.
/// </summary>
public abstract class HashingCapacityTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Ten_parallel_signups_all_succeed()
    {
        var statuses = await InParallel.RunAsync(10, async _ =>
        {
            using var response = await app.PostSignupAsync(TodoApplication.NewEmail(), TodoApplication.DefaultPassword);
            return response.StatusCode;
        });

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
    }

    [DatabaseFact]
    public async Task A_storm_beyond_the_hashing_queue_gets_503_problems_with_Retry_After_and_the_api_stays_up()
    {
        await using var small = TodoApplication.Create(app.Provider, "Testing", new Dictionary<string, string?>
        {
            ["Passwords:MaxConcurrentHashes"] = "1",
            ["Passwords:QueueLimit"] = "1",
            ["Passwords:QueueTimeout"] = "00:00:03",
        });
        var email = TodoApplication.NewEmail();
        await small.SignUpAsync(email);

        var responses = await InParallel.RunAsync(20, async index =>
        {
            using var response = await small.PostLoginAsync(TodoApplication.NewEmail("storm"), "wrong password", $"198.51.100.{index + 1}");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
        });

        Assert.All(responses, response => Assert.True(
            response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable,
            $"{(int)response.StatusCode}: {response.Body}"));
        var refused = responses.Where(response => response.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, response =>
        {
            Assert.Equal(Problems.ContentType, response.MediaType);
            Assert.Contains("\"status\":503", response.Body, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(3), response.RetryAfter);
        });

        using var afterwards = await small.PostLoginAsync(email, TodoApplication.DefaultPassword);
        await Json.ReadAsync(afterwards, HttpStatusCode.OK);
    }

    [DatabaseFact]
    public async Task A_login_that_waits_too_long_for_a_hashing_slot_is_503_and_is_not_counted_as_a_failure()
    {
        await using var impatient = TodoApplication.Create(app.Provider, "Testing", new Dictionary<string, string?>
        {
            ["Passwords:MaxConcurrentHashes"] = "1",
            ["Passwords:QueueTimeout"] = "00:00:00.020",
            ["LoginThrottle:MaxFailuresPerClient"] = "100",
        });
        const string client = "203.0.113.9";
        var email = TodoApplication.NewEmail();
        await impatient.SignUpAsync(email);

        // 120 attempts from one client that mostly cannot get a slot: had the refused ones counted, the client's
        // 100-failure budget would be spent.
        var statuses = await InParallel.RunAsync(120, async _ =>
        {
            using var response = await impatient.PostLoginAsync(TodoApplication.NewEmail("impatient"), "wrong password", client);
            return response.StatusCode;
        });

        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        var failures = statuses.Count(status => status == HttpStatusCode.Unauthorized);
        Assert.True(failures < 100, $"{failures} attempts got a slot; the test needs most of them refused");

        using var right = await impatient.PostLoginAsync(email, TodoApplication.DefaultPassword, client);
        await Json.ReadAsync(right, HttpStatusCode.OK);
    }
}

public sealed class HashingCapacityTestsOnSqlite(SqliteApplication app) : HashingCapacityTests(app), IClassFixture<SqliteApplication>;

public sealed class HashingCapacityTestsOnPostgres(PostgresApplication app) : HashingCapacityTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
