using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace Todo.Benchmarks;

/// <summary>
/// An API Gateway proxy event through the whole application in process (adapter, middleware, JWT and session check,
/// MVC, EF Core, SQLite) to the proxy response's bytes: what a warm invocation costs besides Lambda itself.
/// </summary>
[MemoryDiagnoser]
public class LambdaInvocationBenchmarks
{
    private const int Todos = 20;

    private LambdaBenchmarkHost? _host;
    private byte[] _health = [];
    private byte[] _listHttpApi = [];
    private byte[] _listRestApi = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await LambdaBenchmarkHost.StartAsync(Todos);
        _health = _host.Event("v2-get-health.json");
        _listHttpApi = _host.Event("v2-list-todos.json", node => node["rawQueryString"] = "page=1&pageSize=20");
        _listRestApi = _host.Event("v1-list-todos.json", node =>
        {
            node["queryStringParameters"] = new JsonObject { ["page"] = "1", ["pageSize"] = "20" };
            node["multiValueQueryStringParameters"] = new JsonObject { ["page"] = new JsonArray("1"), ["pageSize"] = new JsonArray("20") };
        });

        await _host.InvokeExpectingAsync(_health, 200);
        foreach (var list in new[] { _listHttpApi, _listRestApi })
        {
            var page = await _host.InvokeExpectingAsync(list, 200);
            if (page.GetProperty("items").GetArrayLength() != Todos)
            {
                throw new InvalidOperationException($"Expected a page of {Todos} todos: {page}");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Benchmark(Description = "v2 GET /health")]
    public Task<byte[]> Health() => _host!.InvokeAsync(_health);

    [Benchmark(Description = "v2 GET /todos?page=1&pageSize=20")]
    public Task<byte[]> ListHttpApi() => _host!.InvokeAsync(_listHttpApi);

    [Benchmark(Description = "v1 GET /todos?page=1&pageSize=20")]
    public Task<byte[]> ListRestApi() => _host!.InvokeAsync(_listRestApi);
}
