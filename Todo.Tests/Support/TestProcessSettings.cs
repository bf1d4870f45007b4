using System.Runtime.CompilerServices;

namespace Todo.Tests.Support;

internal static class TestProcessSettings
{
    /// <summary>
    /// The suite builds a few hundred hosts, and each would watch its appsettings files for changes: one inotify
    /// instance apiece, where Linux allows 128 per user by default. Nothing here edits those files while it runs.
    /// </summary>
    [ModuleInitializer]
    internal static void TurnOffConfigurationReloading() =>
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
