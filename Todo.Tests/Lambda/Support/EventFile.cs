namespace Todo.Tests.Lambda.Support;

/// <summary>Event files with <c>{{name}}</c> placeholders for what a flow learns on the way (tokens, ids).</summary>
internal static class EventFile
{
    public static string Read(string path, IReadOnlyDictionary<string, string>? values = null)
    {
        var text = File.ReadAllText(path);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            text = text.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
        }

        return text;
    }
}
