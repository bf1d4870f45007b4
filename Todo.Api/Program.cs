using Todo.Api.Auth;
using Todo.Api.Infrastructure;
using Todo.Api.Telemetry;
using Todo.Api.Todos;
using Todo.Lambda;

/// <summary>
/// Composition only: one AddXxx per concern, then one UseXxx / MapXxx per concern.
/// Kestrel, the test host and the Lambda adapter's server all run the application built here.
/// </summary>
public partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        // `migrate [settings]`: bring the database up to date and exit, for a deployment step that runs once.
        if (args is [DatabaseMigrator.CommandName, .. var settings])
        {
            return await RunAsync(settings, app => app.Services.GetRequiredService<DatabaseMigrator>().RunCommandAsync(CancellationToken.None));
        }

        return await RunAsync(args, app => app.RunAsync());
    }

    private static async Task<int> RunAsync(string[] args, Func<WebApplication, Task> run)
    {
        var started = false;
        try
        {
            await using var app = CreateApplication(args);
            using var onStarted = app.Lifetime.ApplicationStarted.Register(() => started = true);
            await run(app);

            // A host may decide the exit code (the invoke command does).
            return Environment.ExitCode;
        }
        catch (Exception exception)
        {
            // One plain sentence and exit code 1, not an abort with a stack trace. A bad setting is named by its
            // validation; a port in use or a database out of reach has been logged with its trace by hosting (or by
            // the migrate command); what fails before there is a host (a configuration file that is not JSON) is
            // said by its messages, which name the file, line and position.
            var reason = InOneLine(exception);
            if (started)
            {
                // Only a host that cannot go on ends a run with an exception: on Lambda, a Runtime API that failed.
                await Console.Error.WriteLineAsync($"Todo API stopped: {reason}");
                return 1;
            }

            try
            {
                // Inside a Lambda execution environment Lambda is told why the init failed; elsewhere nothing happens.
                await LambdaHosting.ReportStartFailureAsync(args, exception, reason);
            }
            catch (Exception reportFailure)
            {
                // The cause stays first: a Runtime API out of reach must not hide the missing setting.
                reason = $"{reason} {InOneLine(reportFailure)}";
            }

            await Console.Error.WriteLineAsync($"Todo API cannot start: {reason}");
            return 1;
        }
    }

    // The messages down the chain of causes, each once: "... likely due to a transient failure. Failed to connect to
    // 127.0.0.1:5432. Connection refused." A message already said by its wrapper is not repeated.
    private static string InOneLine(Exception exception)
    {
        var line = new System.Text.StringBuilder();
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            var message = cause.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            if (message.Length > 0 && !line.ToString().Contains(message, StringComparison.OrdinalIgnoreCase))
            {
                line.Append(line.Length == 0 ? "" : " ").Append(message).Append('.');
            }
        }

        return line.ToString();
    }

    /// <summary>Builds the whole application; <paramref name="configureHost"/> lets a host (Lambda, tests) swap the server.</summary>
    public static WebApplication CreateApplication(string[] args, Action<WebApplicationBuilder>? configureHost = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Choose(args) });

        builder.AddApiLogging();
        builder.AddRequestLimits();
        builder.Services.AddApiProblemDetails();
        builder.Services.AddTodoDatabase(builder.Configuration, builder.Environment);
        builder.Services.AddTodoAuth(builder.Configuration, builder.Environment);
        builder.Services.AddTodos();
        builder.Services.AddApiControllers();
        builder.Services.AddApiDocumentation();
        builder.Services.AddDatabaseHealthCheck();
        builder.AddApiTelemetry();
        builder.Services.AddSingleton(TimeProvider.System);

        // Inside a Lambda execution environment (or for `invoke event.json`) the same application runs on the
        // adapter's in-process server instead of Kestrel; anywhere else this changes nothing.
        builder.AddLambdaHosting(args);

        configureHost?.Invoke(builder);

        var app = builder.Build();

        app.UseSecurityHeaders();
        app.UseCorrelationId();
        app.UseRequestLogging();
        app.UseApiProblemDetails();
        app.UseRequestLimits();
        app.UseAuthentication();
        app.UseUserLogScope();
        app.UseAuthorization();

        app.MapControllers();
        app.MapApiDocumentation();
        app.MapDatabaseHealthCheck();

        return app;
    }
}
