using System.Diagnostics;

namespace Todo.Tests.Lambda.Support;

/// <summary>
/// Runs build/package-lambda.sh once for the test collection, as a deployment would, and keeps its output: the
/// published application (a Release build, with the migrated database) and the zip.
/// </summary>
public sealed class PublishedPackageFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-lambda-package-");

    public string OutputDirectory => _directory.FullName;

    public string PublishDirectory => Path.Combine(OutputDirectory, "publish");

    public string ZipFile => Path.Combine(OutputDirectory, "todo-api-lambda.zip");

    public string PackageLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var script = new ProcessStartInfo("bash", [Path.Combine(LambdaTestPaths.RepositoryRoot, "build", "package-lambda.sh"), OutputDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = LambdaTestPaths.RepositoryRoot,
        };
        using var process = Process.Start(script)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        PackageLog = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/package-lambda.sh failed ({process.ExitCode}):\n{PackageLog}");
        }
    }

    public Task DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The tests that run the published package; one collection, so the package is built once and never twice at a time.</summary>
[CollectionDefinition(nameof(PublishedPackage))]
public sealed class PublishedPackage : ICollectionFixture<PublishedPackageFixture>;
