using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Todo.Lambda;

/// <summary>How the process was asked to run: the one decision <see cref="LambdaHosting.AddLambdaHosting"/> makes.</summary>
internal enum LambdaHostingMode
{
    /// <summary>Not in Lambda: the application keeps its own server (Kestrel, the test server).</summary>
    None,

    /// <summary>A Lambda execution environment started the program: it serves invocations through the Runtime API.</summary>
    RuntimeApi,

    /// <summary>The managed runtime loaded <see cref="LambdaFunction"/>, which hands it the invocations.</summary>
    ManagedHandler,

    /// <summary><c>invoke &lt;event.json | -&gt;</c>: one event from a file, its proxy response on stdout.</summary>
    InvokeCommand,
}

/// <summary>
/// The one call an application makes to run on AWS Lambda: inside a Lambda execution environment (or for the local
/// <c>invoke</c> command) the application's server becomes the adapter's in-process server, fed by the Runtime API
/// loop, the managed runtime's handler or the event file; anywhere else nothing changes.
/// </summary>
public static class LambdaHosting
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The first program argument of the local invoke command.</summary>
    public const string InvokeCommandName = "invoke";

    /// <summary>Set by <see cref="LambdaFunction"/> for the application it builds: the managed runtime runs the loop.</summary>
    internal const string ManagedHandlerSetting = "Lambda:ManagedHandler";

    /// <summary>How long a report of a failed start may take: a call on the environment's loopback.</summary>
    private static readonly TimeSpan InitErrorTimeout = TimeSpan.FromSeconds(5);

    /// <param name="builder">The application's builder.</param>
    /// <param name="args">The program's arguments: <c>invoke &lt;event.json | -&gt;</c> runs one event.</param>
    public static WebApplicationBuilder AddLambdaHosting(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);

        var mode = ModeOf(builder.Configuration, args);
        if (mode == LambdaHostingMode.None)
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<LambdaHostingOptions>().Bind(builder.Configuration.GetSection(LambdaHostingOptions.SectionName));
        services.AddSingleton(new LambdaExecutionEnvironment(Path.GetTempPath()));
        services.TryAddSingleton(LambdaFunctionVariables.FromProcess());
        services.AddSingleton<LambdaProblemResponses>();
        services.AddSingleton<LambdaServer>();
        services.AddSingleton<IServer>(provider => provider.GetRequiredService<LambdaServer>());
        services.AddSingleton<LambdaInvoker>();
        services.TryAddSingleton(TimeProvider.System);

        // One JSON object per line is what CloudWatch Logs indexes, whatever the application configured; each
        // invocation's scope (LambdaLogScope) carries the request id and the keys Powertools users query, which the
        // flat formatter puts at the top level of every line, where their queries look.
        builder.Logging.ClearProviders();
        builder.Logging.AddFlatJsonConsole();

        // Where an environment serves many invocations; the invoke command serves one and would only be slower.
        if (mode is LambdaHostingMode.RuntimeApi or LambdaHostingMode.ManagedHandler)
        {
            services.AddHostedService<LambdaWarmUp>();
        }

        switch (mode)
        {
            case LambdaHostingMode.RuntimeApi:
                var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiVariable)!;
                services.AddSingleton(new LambdaRuntimeApiClient(LambdaRuntimeApiClient.CreateHttpClient(runtimeApi)));
                services.AddHostedService<LambdaRuntimeService>();
                break;
            case LambdaHostingMode.InvokeCommand:
                // The proxy response goes to stdout; the logs must not mix into it.
                services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
                services.AddHostedService(provider => new LambdaInvokeCommand(
                    args.Length > 1 ? args[1] : null,
                    provider.GetRequiredService<LambdaInvoker>(),
                    provider.GetRequiredService<IHostApplicationLifetime>(),
                    Console.Out,
                    Console.Error));
                break;
        }

        return builder;
    }

    /// <summary>
    /// For the program's one handler of a failed start: where the program serves the Runtime API (the same test as
    /// <see cref="AddLambdaHosting"/>'s), tells Lambda that the init failed, once, with <paramref name="message"/>
    /// (the program's own one-line account of <paramref name="exception"/>; it goes back to the invoker, so no stack
    /// trace and no secrets) and the error type <c>Runtime.InitError</c>. Lambda then fails the waiting invocation with
    /// it instead of a bare exit code. Anywhere else, or when the Runtime API itself is what failed, it does nothing.
    /// </summary>
    /// <param name="args">The program's arguments, as given to <see cref="AddLambdaHosting"/>.</param>
    /// <param name="exception">What stopped the start.</param>
    /// <param name="message">The program's one line about it.</param>
    /// <returns>A task that fails when the Runtime API did not take the report; its message names the address and why.</returns>
    public static async Task ReportStartFailureAsync(string[] args, Exception exception, string message)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(message);

        // LambdaFunction passes the managed-handler setting on the command line; the managed runtime reports that
        // handler's failures itself, and they never reach the program's handler anyway.
        if (exception is LambdaRuntimeApiException || ModeOf(new ConfigurationBuilder().AddCommandLine(args).Build(), args) != LambdaHostingMode.RuntimeApi)
        {
            return;
        }

        using var httpClient = LambdaRuntimeApiClient.CreateHttpClient(Environment.GetEnvironmentVariable(RuntimeApiVariable)!);

        // Lambda's own init timeout would end a hanging report anyway; elsewhere (an emulator) the process must still exit.
        httpClient.Timeout = InitErrorTimeout;
        await new LambdaRuntimeApiClient(httpClient).PostInitErrorAsync("Runtime.InitError", exception.GetType().Name, message, CancellationToken.None);
    }

    /// <summary>
    /// Waits until the whole application has started (hosted services start before the server, and an invocation
    /// needs both); false when the host stops first.
    /// </summary>
    internal static async Task<bool> WhenStartedAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    internal static LambdaHostingMode ModeOf(IConfiguration configuration, string[] args)
    {
        if (string.Equals(configuration[ManagedHandlerSetting], "true", StringComparison.OrdinalIgnoreCase))
        {
            return LambdaHostingMode.ManagedHandler;
        }

        if (args is [InvokeCommandName, ..])
        {
            return LambdaHostingMode.InvokeCommand;
        }

        return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RuntimeApiVariable)) ? LambdaHostingMode.None : LambdaHostingMode.RuntimeApi;
    }
}

/// <summary>
/// Present in the application's services only when the adapter hosts it: what an application may need to know about
/// the Lambda execution environment, such as the one directory it may write (the package directory is read-only).
/// </summary>
public sealed record LambdaExecutionEnvironment(string TemporaryDirectory);
