using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Todo.Api.Todos;

namespace Todo.Benchmarks;

/// <summary>
/// A page of 20 todos as MVC's output formatter writes it: the response record, the serializer options the app
/// configures (AddJsonOptions), asynchronously into a stream.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet disposes through [GlobalCleanup], not IDisposable.
public class TodoListJsonBenchmarks
#pragma warning restore CA1001
{
    // Titles as users write them: some plain, some with markup-like and non-ASCII characters, which the default
    // encoder escapes and so makes longer.
    private static readonly string[] Titles = ["Buy milk", "Call the dentist about Tuesday", "Buy milk & eggs — 2 × 🥚", "Réserver l'hôtel à Zürich", "Fix <title> in the report"];

    private readonly MemoryStream _stream = new();
    private LambdaBenchmarkHost? _host;
    private JsonSerializerOptions _options = JsonSerializerOptions.Default;
    private TodoListResponse _page = new([], 1, 20, 0);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await LambdaBenchmarkHost.StartAsync();
        _options = _host.Services.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
        var created = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
        var items = Enumerable.Range(1, 20)
            .Select(id => new TodoResponse(id, Titles[id % Titles.Length], id % 3 == 0, created.AddMinutes(id), created.AddMinutes(id * 2)))
            .ToList();
        _page = new TodoListResponse(items, Page: 1, PageSize: 20, TotalCount: 1000);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stream.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Benchmark]
    public async Task<long> SerializeToStreamAsync()
    {
        _stream.SetLength(0);
        await JsonSerializer.SerializeAsync(_stream, _page, _options);
        return _stream.Length;
    }
}
