using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Todo.Api.Infrastructure;
using Todo.Domain.Persistence;
using Todo.Tests.Api.OpenApi;
using Todo.Tests.Support;

namespace Todo.Tests.Api;

/// <summary>
/// The real application over the real HTTP pipeline, on a real database of its own (a SQLite file, or a database on
/// the PostgreSQL test server; either is deleted on dispose), real BCrypt and real JWTs signed with
/// <see cref="SigningKey"/>. Runs as "Testing" (not Development) unless told otherwise.
/// </summary>
public class TodoApplication : WebApplicationFactory<Program>
{
    public const string SigningKey = "todo-api-tests-signing-key-0123456789abcdef";
    public const string Issuer = "todo-api";
    public const string Audience = "todo-api";
    public const string DefaultPassword = "correct horse battery staple";

    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings;
    private readonly Lazy<Task<TestUser>> _sharedUser;
    private readonly Lazy<Task<OpenApiContract>> _contract;
    private readonly Lock _starting = new();

    protected TodoApplication(DatabaseProvider provider, string environment = "Testing", IReadOnlyDictionary<string, string?>? settings = null)
    {
        Provider = provider;
        _environment = environment;
        string connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            DatabaseName = PostgresServer.NewDatabaseName();
            connectionString = PostgresServer.ConnectionStringFor(DatabaseName);
        }
        else
        {
            DatabaseName = Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db");
            connectionString = $"Data Source={DatabaseName}";
        }

        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Todo"] = connectionString,
            ["Jwt:SigningKey"] = SigningKey,
            ["Logging:LogLevel:Default"] = "Warning",

            // The suite runs a score of applications at once on two cores, so a hash takes several times as long
            // as in production; the 5-second production wait would turn that into 503s. Capacity itself is proven
            // with explicit settings (HashingCapacityTests) and the defaults by bench/hashing-storm.sh.
            ["Passwords:QueueTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _sharedUser = new Lazy<Task<TestUser>>(CreateUserAsync);
        _contract = new Lazy<Task<OpenApiContract>>(ReadContractAsync);
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The SQLite file's path, or the PostgreSQL database's name.</summary>
    public string DatabaseName { get; }

    public TestClock Clock { get; } = new();

    /// <summary>Another application on the same provider as <paramref name="provider"/>, with a database of its own.</summary>
    /// <param name="provider">The database provider.</param>
    /// <param name="environment">The host environment name.</param>
    /// <param name="settings">Configuration to add or, with a null value, to leave unset (e.g. Jwt:SigningKey).</param>
    public static TodoApplication Create(DatabaseProvider provider, string environment = "Testing", IReadOnlyDictionary<string, string?>? settings = null) =>
        new(provider, environment, settings);

    /// <summary>Runs SQL on the application's own database, through its own DbContext (quote identifiers for PostgreSQL).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TodoDbContext>();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>Reads from the application's own database, through its own DbContext.</summary>
    public async Task<T> QueryAsync<T>(Func<TodoDbContext, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TodoDbContext>());
    }

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public async Task<HttpResponseMessage> PostSignupAsync(string email, string password)
    {
        using var client = CreateClient();
        return await client.PostAsJsonAsync("/auth/signup", new { email, password });
    }

    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password, string? clientAddress = null)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = JsonContent.Create(new { email, password }),
        };
        if (clientAddress is not null)
        {
            request.Headers.Add(ClientAddressStartupFilter.HeaderName, clientAddress);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Signs a new user up through the API and returns its id.</summary>
    public async Task<int> SignUpAsync(string email, string password = DefaultPassword)
    {
        using var response = await PostSignupAsync(email, password);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>Logs in through the API and returns the access token.</summary>
    public async Task<string> LogInAsync(string email, string password = DefaultPassword) =>
        (await StartSessionAsync(email, password)).AccessToken;

    /// <summary>Logs in through the API and returns the new session's access and refresh tokens.</summary>
    public async Task<(string AccessToken, string RefreshToken)> StartSessionAsync(string email, string password = DefaultPassword)
    {
        using var response = await PostLoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("accessToken").GetString()!, body.RootElement.GetProperty("refreshToken").GetString()!);
    }

    /// <summary>A new user, signed up and logged in through the API, with a client carrying its real token.</summary>
    public async Task<TestUser> CreateUserAsync()
    {
        var email = NewEmail();
        var id = await SignUpAsync(email);
        var (access, refresh) = await StartSessionAsync(email);
        return new TestUser(id, email, access, refresh, CreateClientWithToken(access));
    }

    /// <summary>Asserts that an access token is refused (its session ended), on a todo route and on /auth/me.</summary>
    public async Task AssertSignedOutAsync(string accessToken)
    {
        using var client = CreateClientWithToken(accessToken);
        foreach (var path in new[] { "/todos", "/auth/me" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            await Problems.AssertUnauthorizedAsync(response);
        }
    }

    /// <summary>One user per application, for a test class whose tests only need some signed-in user (BCrypt is slow).</summary>
    public Task<TestUser> GetSharedUserAsync() => _sharedUser.Value;

    /// <summary>
    /// A client of the application whose every response is checked against the application's OpenAPI document
    /// (<see cref="DocumentedResponseHandler"/>): a test that receives an undocumented response fails. It hides the
    /// factory's own CreateClient, which every API test calls.
    /// </summary>
    public new HttpClient CreateClient()
    {
        // The factory starts its host at the first client without a lock: parallel first clients would each build one,
        // and on SQLite only one host may hold the file at a time.
        lock (_starting)
        {
            _ = Server;
        }

        return CreateDefaultClient(new DocumentedResponseHandler(_ => _contract.Value));
    }

    /// <summary>The application's OpenAPI document, read once, as the checker of responses.</summary>
    public Task<OpenApiContract> GetContractAsync() => _contract.Value;

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<OpenApiContract> ReadContractAsync()
    {
        // The server's own client: the document is not checked against itself.
        using var client = Server.CreateClient();
        return OpenApiContract.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            if (value is not null)
            {
                builder.UseSetting(key, value);
            }
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter, ClientAddressStartupFilter>();
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (_sharedUser.IsValueCreated && _sharedUser.Value.IsCompletedSuccessfully)
            {
                _sharedUser.Value.Result.Dispose();
            }

            if (Provider == DatabaseProvider.Postgres)
            {
                PostgresServer.DropDatabase(DatabaseName);
            }
            else
            {
                SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm", ".lock" })
                {
                    File.Delete(DatabaseName + suffix);
                }
            }
        }
    }
}

/// <summary>The class fixture for a test class's SQLite half.</summary>
public sealed class SqliteApplication() : TodoApplication(DatabaseProvider.Sqlite);

/// <summary>The class fixture for a test class's PostgreSQL half.</summary>
public sealed class PostgresApplication() : TodoApplication(DatabaseProvider.Postgres);
