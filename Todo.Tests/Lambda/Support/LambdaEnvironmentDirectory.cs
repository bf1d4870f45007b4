namespace Todo.Tests.Lambda.Support;

/// <summary>
/// A pretend execution environment on disk for the published package: a read-only copy of the package as the task
/// root, every file and folder without write bits, and a temp directory, the one place the function (run by an
/// unprivileged user, see <see cref="LambdaProcess"/>, who can read the task root) may write.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LambdaEnvironmentDirectory : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("todo-lambda-environment-");

    public LambdaEnvironmentDirectory(string publishDirectory)
    {
        CopyDirectory(publishDirectory, TaskRoot);
        Directory.CreateDirectory(TempDirectory);
        File.SetUnixFileMode(_root.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(TempDirectory, (UnixFileMode)0b111_111_111);
        foreach (var path in Directory.EnumerateFileSystemEntries(TaskRoot, "*", SearchOption.AllDirectories).Append(TaskRoot))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
    }

    public string TaskRoot => Path.Combine(_root.FullName, "task");

    public string TempDirectory => Path.Combine(_root.FullName, "tmp");

    public void Dispose()
    {
        File.SetUnixFileMode(TaskRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _root.Delete(recursive: true);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
