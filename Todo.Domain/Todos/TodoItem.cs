using System.Security.Cryptography;

namespace Todo.Domain.Todos;

/// <summary>
/// A todo owned by exactly one user. Changes go through methods so <see cref="UpdatedAt"/> and
/// <see cref="Version"/> stay true.
/// </summary>
public sealed class TodoItem
{
    public const int MaxTitleLength = 200;

    private TodoItem()
    {
        Title = string.Empty;
    }

    public TodoItem(int ownerId, string title, bool completed, DateTime now)
    {
        OwnerId = ownerId;
        Title = NormalizeTitle(title);
        Completed = completed;
        CreatedAt = now;
        UpdatedAt = now;
        Version = NewVersion();
    }

    /// <summary>A todo as a row stores it, read in SQL (see <see cref="TodoRepository"/>).</summary>
    internal static TodoItem FromRow(int id, int ownerId, string title, bool completed, DateTime createdAt, DateTime updatedAt, long version) => new()
    {
        Id = id,
        OwnerId = ownerId,
        Title = title,
        Completed = completed,
        CreatedAt = createdAt,
        UpdatedAt = updatedAt,
        Version = version,
    };

    public int Id { get; private set; }

    public int OwnerId { get; private set; }

    public string Title { get; private set; }

    public bool Completed { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>
    /// A new random 64-bit value on every change, and the concurrency token of every write. Random rather than a
    /// counter: SQLite hands the id of a deleted last row to the next todo, and a counter would give that new todo the
    /// versions (so the ETags) of the deleted one; two random values meet once in 2^64.
    /// </summary>
    public long Version { get; private set; }

    /// <summary>Applies the given changes; a null argument leaves that field as it is.</summary>
    public void Update(string? title, bool? completed, DateTime now)
    {
        if (title is not null)
        {
            Title = NormalizeTitle(title);
        }

        if (completed is bool value)
        {
            Completed = value;
        }

        UpdatedAt = now;
        Version = NewVersion();
    }

    public static string NormalizeTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return title.Trim();
    }

    private static long NewVersion() => BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
}
