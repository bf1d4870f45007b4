using Microsoft.Data.Sqlite;
using Todo.Api.Infrastructure;

namespace Todo.Tests.Unit;

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
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_copy_of_a_read_only_bundled_database_is_writable_by_its_owner_and_through_sqlite()
    {
        var bundled = PathOf("bundled.db");
        await using (var create = new SqliteConnection($"Data Source={bundled};Pooling=False"))
        {
            await create.OpenAsync();
            await Execute(create, "CREATE TABLE notes (text TEXT)");
        }

        File.SetUnixFileMode(bundled, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal(BundledDatabaseCopyOutcome.Copied, BundledDatabaseCopy.EnsureCopy(bundled, PathOf("tmp/todo.db")));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("tmp/todo.db")));
        await using var copy = new SqliteConnection($"Data Source={PathOf("tmp/todo.db")};Pooling=False");
        await copy.OpenAsync();
        await Execute(copy, "INSERT INTO notes VALUES ('written after the cold start')");
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

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
