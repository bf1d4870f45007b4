namespace Todo.Domain.Todos;

/// <summary>
/// The versions of a todo a change may be applied to: any (no precondition, or HTTP's <c>If-Match: *</c>) or one of
/// a list (the ETags of an <c>If-Match</c>). A change is only ever applied to a todo that exists.
/// </summary>
public sealed class AcceptedVersions
{
    private readonly HashSet<long>? _versions;

    private AcceptedVersions(HashSet<long>? versions)
    {
        _versions = versions;
    }

    public static AcceptedVersions Any { get; } = new(null);

    /// <summary>Only these versions; an empty list accepts none.</summary>
    public static AcceptedVersions OneOf(IEnumerable<long> versions) => new([.. versions]);

    public bool Accept(TodoItem todo)
    {
        ArgumentNullException.ThrowIfNull(todo);
        return _versions is null || _versions.Contains(todo.Version);
    }
}
