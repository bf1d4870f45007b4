namespace Todo.Tests.Api;

/// <summary>
/// Runs requests truly at once. TestServer runs a request inline until its first real await, and SQLite and BCrypt
/// never yield, so tasks started the ordinary way would mostly run one after another.
/// </summary>
public static class InParallel
{
    public static Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> action)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, count + 8), completionPorts);
        return Task.WhenAll(Enumerable.Range(0, count).Select(index => Task.Factory.StartNew(
            () => action(index),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()));
    }
}
