namespace Todo.Api.Infrastructure;

/// <summary>
/// ASP.NET Core takes the working directory as the content root. Started from elsewhere (`dotnet /srv/app/Todo.Api.dll`),
/// the app would silently run without its appsettings.json (log levels, defaults); then the application's own
/// folder is the better root. An explicit choice (--contentRoot, ASPNETCORE_CONTENTROOT) always wins.
/// </summary>
public static class ContentRoot
{
    private const string SettingsFile = "appsettings.json";

    public static string? Choose(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        var explicitlyChosen = args.Any(arg => arg.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        if (explicitlyChosen || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), SettingsFile)))
        {
            return null;
        }

        return File.Exists(Path.Combine(AppContext.BaseDirectory, SettingsFile)) ? AppContext.BaseDirectory : null;
    }
}
