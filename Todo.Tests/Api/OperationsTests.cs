using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Infrastructure;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

public abstract class OperationsTests(TodoApplication app)
{
    [DatabaseFact]
    public async Task Health_is_200_when_the_database_answers()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [DatabaseFact]
    public async Task Health_is_503_problem_when_the_database_does_not_answer()
    {
        using var broken = TodoApplication.Create(app.Provider);
        using var client = broken.CreateClient();
        using (var healthy = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        await broken.ExecuteSqlAsync("""DROP TABLE "RefreshTokens"; DROP TABLE "Sessions"; DROP TABLE "Todos"; DROP TABLE "Users";""");

        using var response = await client.GetAsync("/health");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain("no such table", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("does not exist", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [DatabaseFact]
    public async Task Live_and_ready_are_200_when_the_database_answers_and_is_migrated()
    {
        using var client = app.CreateClient();

        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await client.GetAsync(path);

            var body = await Json.ReadAsync(response, HttpStatusCode.OK);
            Assert.Equal(["status"], Json.PropertyNames(body));
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
        }
    }

    [DatabaseFact]
    public async Task Live_is_200_and_ready_is_503_problem_when_the_database_does_not_answer()
    {
        using var broken = TodoApplication.Create(app.Provider);
        using var client = broken.CreateClient();
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await broken.ExecuteSqlAsync("""DROP TABLE "RefreshTokens"; DROP TABLE "Sessions"; DROP TABLE "Todos"; DROP TABLE "Users";""");

        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using var response = await client.GetAsync("/health/ready");
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain("no such table", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("does not exist", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [DatabaseFact]
    public async Task Ready_is_503_until_the_migrations_are_applied_while_live_is_200()
    {
        using var unmigrated = TodoApplication.Create(app.Provider, settings: new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        using var client = unmigrated.CreateClient();

        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await client.GetAsync("/health/ready"))
        {
            await Problems.AssertProblemAsync(ready, HttpStatusCode.ServiceUnavailable);
        }

        // A deployment step (the migrate command) runs while this instance waits: it becomes ready by itself.
        await unmigrated.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        using var response = await client.GetAsync("/health/ready");
        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [DatabaseFact]
    public async Task OpenApi_document_is_openapi_3_with_every_route()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        var document = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/auth/signup"] = ["post"],
            ["/auth/login"] = ["post"],
            ["/auth/refresh"] = ["post"],
            ["/auth/logout"] = ["post"],
            ["/auth/logout-all"] = ["post"],
            ["/auth/me"] = ["delete", "get"],
            ["/auth/password"] = ["put"],
            ["/todos"] = ["get", "post"],
            ["/todos/{id}"] = ["delete", "get", "patch", "put"],
        };
        foreach (var (path, methods) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the document");
            var operations = item.EnumerateObject()
                .Select(property => property.Name)
                .Where(name => name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options")
                .Order(StringComparer.Ordinal);
            Assert.Equal(methods, operations);
        }
    }

    [DatabaseFact]
    public async Task OpenApi_document_has_a_bearer_scheme_required_by_the_protected_operations_only()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        var document = await Json.ReadAsync(response, HttpStatusCode.OK);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.EnumerateObject().Single(scheme =>
            scheme.Value.GetProperty("type").GetString() == "http"
            && string.Equals(scheme.Value.GetProperty("scheme").GetString(), "bearer", StringComparison.OrdinalIgnoreCase));
        var paths = document.GetProperty("paths");
        foreach (var (path, method, secured) in new[]
        {
            ("/auth/signup", "post", false),
            ("/auth/login", "post", false),
            ("/auth/me", "get", true),
            ("/todos", "get", true),
            ("/todos", "post", true),
            ("/todos/{id}", "get", true),
            ("/todos/{id}", "put", true),
            ("/todos/{id}", "patch", true),
            ("/todos/{id}", "delete", true),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var requires = operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(requirement => requirement.TryGetProperty(bearer.Name, out _));
            Assert.True(secured == requires, $"{method} {path}: expected bearer requirement {secured}");
        }
    }

    [DatabaseFact]
    public async Task Docs_is_an_html_page_that_loads_its_scripts_and_points_at_the_openapi_document()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>Todo API</title>", html, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", html, StringComparison.Ordinal);
        var scripts = Regex.Matches(html, "<script[^>]*\\ssrc=\"([^\"]+)\"").Select(match => match.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            using var asset = await client.GetAsync(new Uri(response.RequestMessage!.RequestUri!, script));
            Assert.True(HttpStatusCode.OK == asset.StatusCode, $"{script}: {(int)asset.StatusCode}");
            Assert.Contains("javascript", asset.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    [DatabaseFact]
    public async Task Health_needs_no_token_and_reports_no_database_details()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        var body = await Json.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal(["status"], Json.PropertyNames(body));
        Assert.DoesNotContain(app.DatabaseName, body.GetRawText(), StringComparison.Ordinal);
    }
}

public sealed class OperationsTestsOnSqlite(SqliteApplication app) : OperationsTests(app), IClassFixture<SqliteApplication>;

public sealed class OperationsTestsOnPostgres(PostgresApplication app) : OperationsTests(app), IClassFixture<PostgresApplication>, IRunsOnPostgres;
