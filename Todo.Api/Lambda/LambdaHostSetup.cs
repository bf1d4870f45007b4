using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Logging.Console;

namespace Todo.Api.Lambda;

/// <summary>What running on Lambda changes in the application's host, applied through Program's configureHost hook.</summary>
internal static class LambdaHostSetup
{
    public static void Apply(WebApplicationBuilder builder, bool logToStandardError)
    {
        builder.Services.AddSingleton<LambdaServer>();
        builder.Services.AddSingleton<IServer>(services => services.GetRequiredService<LambdaServer>());

        // One JSON object per line on stdout is what CloudWatch Logs indexes; the scope carries the request id.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(console =>
        {
            console.IncludeScopes = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            console.JsonWriterOptions = new() { Indented = false };
        });
        if (logToStandardError)
        {
            // The local invoke command prints the proxy response on stdout; logs must not mix into it.
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }
}
