using System.Collections;
using System.Globalization;

namespace Todo.Api.Infrastructure;

/// <summary>
/// A logging scope of named values. The JSON console formatter writes a key/value scope as an object with those keys,
/// and every formatter writes its <see cref="ToString"/>: here "name=value", never a type name as a Dictionary gives.
/// </summary>
public sealed class LogScope(string name, object? value) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _entry = new(name, value);

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _entry : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _entry;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_entry.Key}={_entry.Value}");
}
