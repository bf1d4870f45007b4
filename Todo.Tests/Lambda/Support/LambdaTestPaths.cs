namespace Todo.Tests.Lambda.Support;

/// <summary>
/// Where the event files are: the project's own under Todo.Tests/Lambda/Events, the AWS samples in ../shared beside
/// the repository (CI clones the repository next to shared/).
/// </summary>
internal static class LambdaTestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string UpstreamEvents => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "events", "upstream"));

    public static string OwnEvents => Path.Combine(RepositoryRoot, "Todo.Tests", "Lambda", "Events");

    public static string Upstream(string fileName) => Path.Combine(UpstreamEvents, fileName);

    public static string Own(string fileName) => Path.Combine(OwnEvents, fileName);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Todo.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Todo.sln above {AppContext.BaseDirectory}.");
    }
}
