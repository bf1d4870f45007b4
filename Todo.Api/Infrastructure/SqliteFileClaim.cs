namespace Todo.Api.Infrastructure;

/// <summary>
/// This process's claim on its SQLite file, held from start to exit. SQLite is one process per file here: the write
/// gate, the sessions remembered as live and the login throttle live in the process, so a second process on the same
/// file would quietly miss the first one's logouts and failed logins. It refuses to start instead.
/// <para>
/// The claim is an exclusive lock on a file beside the database (<c>todo.db.lock</c>), which .NET takes with
/// <c>flock</c> on Unix and a share mode on Windows; the operating system lets go of it when the process ends, even
/// by <c>kill -9</c>. A beside-file rather than the database itself: closing any other descriptor of the database
/// would drop SQLite's own POSIX locks. The file is left in place: deleting it on exit would let two later processes
/// each lock a different file of the same name.
/// </para>
/// </summary>
public sealed class SqliteFileClaim : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _claim;

    /// <summary>Claims <paramref name="databasePath"/> for this process; again for the same file, nothing.</summary>
    /// <exception cref="InvalidOperationException">Another process holds the file.</exception>
    public void Claim(string databasePath)
    {
        lock (_gate)
        {
            if (_claim is not null)
            {
                return;
            }

            var path = databasePath + ".lock";
            try
            {
                _claim = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException exception) when (exception is not (FileNotFoundException or DirectoryNotFoundException))
            {
                throw new InvalidOperationException(
                    $"The SQLite database {databasePath} is in use by another process ({path} is locked). "
                    + "SQLite serves one process per file; run several instances on PostgreSQL.",
                    exception);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _claim?.Dispose();
            _claim = null;
        }
    }
}
