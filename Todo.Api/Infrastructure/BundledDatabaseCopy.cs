using Microsoft.Data.Sqlite;

namespace Todo.Api.Infrastructure;

/// <summary>What the cold-start copy of the bundled database did.</summary>
internal enum BundledDatabaseCopyOutcome
{
    Copied,
    AlreadyPresent,
    NotBundled,
}

/// <summary>
/// SQLite on Lambda: copies the database shipped in the (read-only) package to the writable temp directory, once per
/// execution environment. A copy the environment already has is never overwritten: it holds the data written since
/// the cold start.
/// </summary>
internal static class BundledDatabaseCopy
{
    /// <summary>
    /// Makes sure the writable temp directory has the copy of <paramref name="bundledFile"/> (relative to the
    /// application directory) and returns the SQLite connection string of the copy, and what was done.
    /// </summary>
    public static (string ConnectionString, string Note) UseTemporaryCopy(string bundledFile, string temporaryDirectory)
    {
        // The package directory (LAMBDA_TASK_ROOT) is read-only on Lambda; the temp directory (/tmp) is the one
        // writable place.
        var source = Path.Combine(AppContext.BaseDirectory, bundledFile);
        var target = Path.Combine(temporaryDirectory, Path.GetFileName(bundledFile));
        var note = EnsureCopy(source, target) switch
        {
            BundledDatabaseCopyOutcome.Copied => $"Copied the bundled database {source} to {target}.",
            BundledDatabaseCopyOutcome.AlreadyPresent => $"Using the database already in the temp directory, {target}.",
            _ => $"No bundled database at {source}; the application creates {target}.",
        };

        return (new SqliteConnectionStringBuilder { DataSource = target }.ToString(), note);
    }

    public static BundledDatabaseCopyOutcome EnsureCopy(string sourcePath, string targetPath)
    {
        if (File.Exists(targetPath))
        {
            return BundledDatabaseCopyOutcome.AlreadyPresent;
        }

        if (!File.Exists(sourcePath))
        {
            // The application creates the file itself, and its migrations build the schema.
            return BundledDatabaseCopyOutcome.NotBundled;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);

        // Copy beside the target, then rename without overwriting, so the database never exists half-written and
        // a copy that appeared in the meantime wins.
        var partial = targetPath + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            File.Copy(sourcePath, partial);

            // A copy keeps its source's mode, and a package built from a read-only tree ships the file as 0444:
            // SQLite would then open the copy read-only and every write would fail. The copy is ours to write.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(partial, targetPath, overwrite: false);
            return BundledDatabaseCopyOutcome.Copied;
        }
        catch (IOException) when (File.Exists(targetPath))
        {
            return BundledDatabaseCopyOutcome.AlreadyPresent;
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
