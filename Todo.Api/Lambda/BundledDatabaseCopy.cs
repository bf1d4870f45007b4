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
