using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Todo.Lambda;

namespace Todo.Tests.Lambda.Support;

/// <summary>
/// The real application behind the real <see cref="LambdaFunction"/> handler base, on a SQLite file of its own, with a real
/// signing key, in the "Testing" environment. Probes (test-only middleware) can be put in front of the pipeline.
/// </summary>
public sealed class LambdaTestHost : IAsyncDisposable
{
    public static string SigningKey => LambdaTestHostSecrets.SigningKey;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-lambda-tests-");

    public LambdaTestHost(LambdaProbes probes = LambdaProbes.None, params string[] extraArgs)
        : this(probes, configureServices: null, extraArgs)
    {
    }

    /// <param name="configureServices">Replaces the application's services (registered last, so they win).</param>
    internal LambdaTestHost(LambdaProbes probes, Action<IServiceCollection>? configureServices, params string[] extraArgs)
    {
        DatabasePath = Path.Combine(_directory.FullName, "todo.db");
        var probeFilter = new LambdaProbeStartupFilter(probes);
        ProbedRequests = probeFilter.Requests;
        EntryPoint = new TestFunction(
            [
                "--environment=Testing",

                // The handler names the assembly it lives in; this one lives in the tests.
                $"--applicationName={typeof(Program).Assembly.GetName().Name}",
                "--Database:BundledSqliteFile=",
                $"--ConnectionStrings:Todo=Data Source={DatabasePath}",
                $"--Jwt:SigningKey={SigningKey}",
                .. extraArgs,
            ],
            builder =>
            {
                builder.Logging.ClearProviders();
                if (probes != LambdaProbes.None)
                {
                    builder.Services.AddSingleton<IStartupFilter>(probeFilter);
                }

                configureServices?.Invoke(builder.Services);
            });
    }

    internal LambdaFunction EntryPoint { get; }

    public string DatabasePath { get; }

    /// <summary>The requests that reached the application's pipeline (with probes only), from its start on.</summary>
    internal IReadOnlyCollection<ProbedRequest> ProbedRequests { get; }

    /// <summary>Invokes the entry point the way our Runtime API loop does, and parses the proxy response.</summary>
    public Task<JsonElement> InvokeAsync(string eventJson, DateTimeOffset? deadline = null) =>
        InvokeAsync(eventJson, new LambdaInvocation($"test-{Guid.NewGuid():N}", deadline, TraceId: null));

    /// <summary>Invokes the entry point with what the Runtime API would say about the invocation.</summary>
    internal async Task<JsonElement> InvokeAsync(string eventJson, LambdaInvocation invocation)
    {
        var response = await EntryPoint.InvokeAsync(Encoding.UTF8.GetBytes(eventJson), invocation, CancellationToken.None);
        using var document = JsonDocument.Parse(response);
        return document.RootElement.Clone();
    }

    /// <summary>Invokes an event file, with <c>{{name}}</c> placeholders filled in.</summary>
    public Task<JsonElement> InvokeFileAsync(string path, IReadOnlyDictionary<string, string>? values = null) =>
        InvokeAsync(EventFile.Read(path, values));

    public async ValueTask DisposeAsync()
    {
        await EntryPoint.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    /// <summary>The app's handler as the managed runtime would construct it, with the test's arguments and probes.</summary>
    private sealed class TestFunction(string[] args, Action<WebApplicationBuilder> configureHost)
        : LambdaFunction(arguments => Program.CreateApplication(arguments, configureHost), args);
}
