using Microsoft.Extensions.Options;

namespace Todo.Lambda;

/// <summary>
/// Tells the Runtime API when the application's configuration stops its start (a missing signing key, say), as a
/// custom runtime must: Lambda then fails the init with the application's own message instead of a bare exit code.
/// It wraps the host's start-up validation (the <c>ValidateOnStart</c> checks), which runs before anything starts.
/// </summary>
internal sealed partial class LambdaInitErrorReporter(IStartupValidator inner, LambdaRuntimeApiClient runtimeApi, ILogger<LambdaInitErrorReporter> logger)
    : IStartupValidator
{
    public static void Register(IServiceCollection services)
    {
        // Makes sure the host's validator is registered, then puts this one around it.
        services.AddOptions<LambdaHostingOptions>().ValidateOnStart();
        var descriptor = services.Last(service => service.ServiceType == typeof(IStartupValidator));
        services.Remove(descriptor);
        services.AddTransient<IStartupValidator>(provider => new LambdaInitErrorReporter(
            (IStartupValidator)(descriptor.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!)),
            provider.GetRequiredService<LambdaRuntimeApiClient>(),
            provider.GetRequiredService<ILogger<LambdaInitErrorReporter>>()));
    }

    public void Validate()
    {
        try
        {
            inner.Validate();
        }
        catch (Exception exception)
        {
            LogInitFailed(logger, exception.Message);
            runtimeApi.PostInitErrorAsync("Runtime.InitError", exception, CancellationToken.None).GetAwaiter().GetResult();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The application failed to start: {Reason}")]
    private static partial void LogInitFailed(ILogger logger, string reason);
}
