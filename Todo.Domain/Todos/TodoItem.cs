namespace Todo.Domain.Todos;

/// <summary>A todo owned by exactly one user. Changes go through methods so <see cref="UpdatedAt"/> stays true.</summary>
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
    }

    public int Id { get; private set; }

    public int OwnerId { get; private set; }

    public string Title { get; private set; }

    public bool Completed { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

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
    }

    public static string NormalizeTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return title.Trim();
    }
}
