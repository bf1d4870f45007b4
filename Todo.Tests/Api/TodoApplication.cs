using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Todo.Tests.Api;

/// <summary>
/// The real application over the real HTTP pipeline, a real SQLite file of its own (deleted on dispose), real
/// BCrypt and real JWTs signed with <see cref="SigningKey"/>. Runs as "Testing" (not Development) unless told otherwise.
/// </summary>
public sealed class TodoApplication : WebApplicationFactory<Program>
{
    public const string SigningKey = "todo-api-tests-signing-key-0123456789abcdef";
    public const string Issuer = "todo-api";
    public const string Audience = "todo-api";
    public const string DefaultPassword = "correct horse battery staple";

    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings;
    private readonly Lazy<Task<TestUser>> _sharedUser;

    public TodoApplication()
        : this("Testing")
    {
    }

    private TodoApplication(string environment, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _environment = environment;
        DatabasePath = Path.Combine(Path.GetTempPath(), $"todo-api-tests-{Guid.NewGuid():N}.db");
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Todo"] = $"Data Source={DatabasePath}",
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
    }

    public string DatabasePath { get; }

    public TestClock Clock { get; } = new();

    /// <param name="environment">The host environment name.</param>
    /// <param name="settings">Configuration to add or, with a null value, to leave unset (e.g. Jwt:SigningKey).</param>
    public static TodoApplication Create(string environment, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(environment, settings);

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
    public async Task<string> LogInAsync(string email, string password = DefaultPassword)
    {
        using var response = await PostLoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A new user, signed up and logged in through the API, with a client carrying its real token.</summary>
    public async Task<TestUser> CreateUserAsync()
    {
        var email = NewEmail();
        var id = await SignUpAsync(email);
        var token = await LogInAsync(email);
        return new TestUser(id, email, token, CreateClientWithToken(token));
    }

    /// <summary>One user per application, for a test class whose tests only need some signed-in user (BCrypt is slow).</summary>
    public Task<TestUser> GetSharedUserAsync() => _sharedUser.Value;

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
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

            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(DatabasePath + suffix);
            }
        }
    }
}
