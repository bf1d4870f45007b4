using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Todo.Lambda;

namespace Todo.Benchmarks;

/// <summary>
/// The real application behind the Lambda adapter's handler, as the managed runtime builds it, in Production, on a
/// SQLite file in a temp folder of its own, with a random signing key; optionally with one user who holds todos.
/// </summary>
internal sealed class LambdaBenchmarkHost : IAsyncDisposable
{
    // A fixed request id: a fresh one per call would be the benchmark's allocation, not the adapter's.
    private static readonly LambdaInvocation Invocation = new("benchmark", Deadline: null, TraceId: null);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-benchmarks-");
    private readonly StrongBox<WebApplication?> _application = new();
    private readonly Function _function;

    private LambdaBenchmarkHost()
    {
        _function = new Function(
            _application,
            [
                "--environment=Production",

                // The handler names the assembly it lives in; the controllers live in the API's.
                $"--applicationName={typeof(global::Program).Assembly.GetName().Name}",
                "--Database:BundledSqliteFile=",
                $"--ConnectionStrings:Todo=Data Source={Path.Combine(_directory.FullName, "todo.db")}",
                $"--Jwt:SigningKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))}",
            ]);
    }

    public IServiceProvider Services => _application.Value!.Services;

    /// <summary>The signed-up user's access token, from a real login; null without a user.</summary>
    public string? AccessToken { get; private set; }

    /// <summary>Starts the application and, with <paramref name="todos"/>, signs up and logs in a user who creates that many todos.</summary>
    public static async Task<LambdaBenchmarkHost> StartAsync(int? todos = null)
    {
        var host = new LambdaBenchmarkHost();
        if (todos is int count)
        {
            await host.CreateUserAsync(count);
        }

        return host;
    }

    /// <summary>An event file the Lambda tests use, as UTF-8 bytes, after <paramref name="edit"/> and with the user's token.</summary>
    public byte[] Event(string name, Action<JsonNode>? edit = null)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", name)))!;
        edit?.Invoke(node);
        var text = node.ToJsonString().Replace("{{token}}", AccessToken, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>One invocation the way the Runtime API loop makes it: the event's bytes in, the proxy response's bytes out.</summary>
    public Task<byte[]> InvokeAsync(byte[] payload) => _function.InvokeAsync(payload, Invocation, CancellationToken.None);

    /// <summary>Invokes and insists on the status, so that a benchmark never measures an error path by mistake.</summary>
    public async Task<JsonElement> InvokeExpectingAsync(byte[] payload, int status)
    {
        using var response = JsonDocument.Parse(await InvokeAsync(payload));
        var actual = response.RootElement.GetProperty("statusCode").GetInt32();
        if (actual != status)
        {
            throw new InvalidOperationException($"Expected {status}, got {actual}: {response.RootElement}");
        }

        var body = response.RootElement.GetProperty("body").GetString();
        return string.IsNullOrEmpty(body) ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await _function.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private async Task CreateUserAsync(int todos)
    {
        await InvokeExpectingAsync(Event("v2-signup.json"), 201);
        var login = await InvokeExpectingAsync(Event("v2-login.json"), 200);
        AccessToken = login.GetProperty("accessToken").GetString();
        var create = Event("v2-create-todo.json");
        for (var i = 0; i < todos; i++)
        {
            await InvokeExpectingAsync(create, 201);
        }
    }

    /// <summary>The app's handler as the managed runtime constructs it; keeps the application for its services.</summary>
    private sealed class Function(StrongBox<WebApplication?> application, string[] args) : LambdaFunction(
        arguments => application.Value = global::Program.CreateApplication(arguments, builder => builder.Logging.ClearProviders()),
        args);
}
