using Microsoft.Data.Sqlite;

namespace Todo.Api.Lambda;

/// <summary>What the cold-start copy of the bundled database did.</summary>
internal enum BundledDatabaseCopyOutcome
{
    Copied,
    AlreadyPresent,
    NotBundled,
}

/// <summary>
/// Copies the database shipped in the (read-only) package to a writable directory, once per execution environment.
/// A copy the environment already has is never overwritten: it holds the data written since the cold start.
/// </summary>
internal static class BundledDatabaseCopy
{
    /// <summary>
    /// When <see cref="LambdaHostingOptions.BundledDatabase"/> is set, makes sure the temp directory has the copy and
    /// returns the host arguments with the connection string pointed at it; command-line arguments outrank every other
    /// configuration source, so the application's own settings cannot send it back to the read-only package.
    /// </summary>
    public static (string[] Args, string? Note) UseTemporaryCopy(LambdaHostingOptions options, string[] args)
    {
        if (string.IsNullOrWhiteSpace(options.BundledDatabase))
        {
            return (args, null);
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionStringName))
        {
            throw new InvalidOperationException(
                $"{LambdaHostingOptions.SectionName}:{nameof(LambdaHostingOptions.BundledDatabase)} is set, so " +
                $"{LambdaHostingOptions.SectionName}:{nameof(LambdaHostingOptions.ConnectionStringName)} must name the connection string to point at its copy.");
        }

        // The package directory (LAMBDA_TASK_ROOT) is read-only on Lambda; the temp directory (/tmp) is the one
        // writable place, and Path.GetTempPath honours TMPDIR.
        var source = Path.Combine(AppContext.BaseDirectory, options.BundledDatabase);
        var target = Path.Combine(Path.GetTempPath(), Path.GetFileName(options.BundledDatabase));
        var note = EnsureCopy(source, target) switch
        {
            BundledDatabaseCopyOutcome.Copied => $"Copied the bundled database {source} to {target}.",
            BundledDatabaseCopyOutcome.AlreadyPresent => $"Using the database already in the temp directory, {target}.",
            _ => $"No bundled database at {source}; the application creates {target}.",
        };

        var connectionString = new SqliteConnectionStringBuilder { DataSource = target }.ToString();
        return ([.. args, $"--ConnectionStrings:{options.ConnectionStringName}={connectionString}"], note);
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
