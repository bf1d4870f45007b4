using Todo.Api.Lambda;

namespace Todo.Tests.Lambda;

public sealed class BundledDatabaseCopyTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-lambda-copy-");

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);

    [Fact]
    public void Copies_the_bundled_file_when_the_temp_directory_has_none()
    {
        File.WriteAllText(PathOf("bundled.db"), "bundled");

        var outcome = BundledDatabaseCopy.EnsureCopy(PathOf("bundled.db"), PathOf("tmp/todo.db"));

        Assert.Equal(BundledDatabaseCopyOutcome.Copied, outcome);
        Assert.Equal("bundled", File.ReadAllText(PathOf("tmp/todo.db")));
        Assert.Equal(["todo.db"], Directory.GetFiles(PathOf("tmp")).Select(Path.GetFileName));
    }

    [Fact]
    public void Never_overwrites_the_copy_the_environment_already_has()
    {
        File.WriteAllText(PathOf("bundled.db"), "bundled");
        File.WriteAllText(PathOf("todo.db"), "data written since the cold start");

        var outcome = BundledDatabaseCopy.EnsureCopy(PathOf("bundled.db"), PathOf("todo.db"));

        Assert.Equal(BundledDatabaseCopyOutcome.AlreadyPresent, outcome);
        Assert.Equal("data written since the cold start", File.ReadAllText(PathOf("todo.db")));
    }

    [Fact]
    public void Without_a_bundled_file_nothing_is_created()
    {
        var outcome = BundledDatabaseCopy.EnsureCopy(PathOf("missing.db"), PathOf("todo.db"));

        Assert.Equal(BundledDatabaseCopyOutcome.NotBundled, outcome);
        Assert.False(File.Exists(PathOf("todo.db")));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
