using Microsoft.Extensions.DependencyInjection;
using Todo.Lambda;
using Todo.Tests.Support;

namespace Todo.Tests.Lambda.Support;

/// <summary>One host per test class: building the application once keeps the class fast, as Lambda does.</summary>
public abstract class LambdaHostFixture(LambdaProbes probes) : IAsyncLifetime
{
    public LambdaTestHost Host { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Host = new LambdaTestHost(probes);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class EchoHostFixture() : LambdaHostFixture(LambdaProbes.EchoEverything);

public sealed class ProbeHostFixture() : LambdaHostFixture(LambdaProbes.Routes);

public sealed class AppHostFixture() : LambdaHostFixture(LambdaProbes.None);

/// <summary>
/// The invocation-feature probe on a clock that stands still, as a function named todo-api (version 7, 512 MB) with
/// a 30-second timeout for the class-library handler; the process's own environment is left alone.
/// </summary>
public sealed class InvocationFeatureHostFixture : IAsyncLifetime
{
    public const int FunctionTimeoutSeconds = 30;

    public ManualTimeProvider Clock { get; } = new();

    public LambdaTestHost Host { get; private set; } = null!;

    internal static LambdaFunctionVariables Function { get; } = new("todo-api", "7", 512);

    public Task InitializeAsync()
    {
        Host = new LambdaTestHost(
            LambdaProbes.InvocationFeature,
            services =>
            {
                services.AddSingleton(Function);
                services.AddSingleton<TimeProvider>(Clock);
            },
            $"--Lambda:FunctionTimeoutSeconds={FunctionTimeoutSeconds}");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
