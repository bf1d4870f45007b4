namespace Todo.Tests.Lambda.Support;

/// <summary>
/// A test of the published package as a process: for each test a Runtime API server of its own and a fresh
/// execution environment (the package as a read-only task root, a writable temp directory), and the function started
/// in it as provided.al2023's bootstrap would start it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class PublishedPackageTest(PublishedPackageFixture package) : IAsyncLifetime
{
    // Only ever reached when something is wrong: a loaded machine makes things slow, not different.
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected FakeLambdaRuntimeApi RuntimeApi { get; private set; } = null!;

    protected LambdaEnvironmentDirectory ExecutionEnvironment { get; private set; } = null!;

    protected PublishedPackageFixture Package => package;

    public async Task InitializeAsync()
    {
        RuntimeApi = await FakeLambdaRuntimeApi.StartAsync();
        ExecutionEnvironment = new LambdaEnvironmentDirectory(package.PublishDirectory);
    }

    public async Task DisposeAsync()
    {
        await RuntimeApi.DisposeAsync();
        ExecutionEnvironment.Dispose();
    }

    /// <summary>
    /// The function, with the test signing key and <paramref name="environment"/> over it (a null value leaves a
    /// variable out), polling <paramref name="runtimeApi"/> (by default the test's own Runtime API server).
    /// </summary>
    protected LambdaProcess StartFunction(IReadOnlyDictionary<string, string?>? environment = null, string? runtimeApi = null)
    {
        var variables = new Dictionary<string, string?> { ["Jwt__SigningKey"] = LambdaTestHostSecrets.SigningKey };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return new LambdaProcess(ExecutionEnvironment.TaskRoot, ExecutionEnvironment.TempDirectory, runtimeApi ?? RuntimeApi.Address, variables);
    }
}
