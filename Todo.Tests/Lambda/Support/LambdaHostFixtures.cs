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
