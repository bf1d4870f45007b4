namespace Todo.Lambda;

/// <summary>
/// The base of a class-library handler for the managed <c>dotnet10</c> runtime
/// (<c>Assembly::Namespace.LambdaEntryPoint::FunctionHandlerAsync</c>): derive from it and name the application's
/// builder, which must call <see cref="LambdaHosting.AddLambdaHosting"/>. The application is built and started once
/// per execution environment, when the runtime constructs the handler; each invocation then runs one proxy event
/// through it in process.
/// </summary>
/// <remarks>
/// The runtime hands this handler no request id, deadline or trace id (that needs Amazon.Lambda.Core's
/// ILambdaContext); <see cref="LambdaHostingOptions.FunctionTimeoutSeconds"/> stands in for the deadline. An
/// executable-assembly handler, where the program runs its own Runtime API loop, has all three.
/// </remarks>
public abstract class LambdaFunction : IAsyncDisposable
{
    private readonly WebApplication _application;
    private readonly LambdaInvoker _invoker;

    /// <param name="createApplication">The application's builder, given the host arguments.</param>
    protected LambdaFunction(Func<string[], WebApplication> createApplication)
        : this(createApplication, [])
    {
    }

    internal LambdaFunction(Func<string[], WebApplication> createApplication, string[] args)
    {
        ArgumentNullException.ThrowIfNull(createApplication);

        // Under the managed runtime the entry assembly is Lambda's bootstrap, not the application: without its name
        // MVC finds no controllers, and without the content root no appsettings.json. Given first, so that the
        // caller's own arguments still win; the last one tells AddLambdaHosting that the runtime runs the loop.
        _application = createApplication(
        [
            $"--applicationName={GetType().Assembly.GetName().Name}",
            $"--contentRoot={AppContext.BaseDirectory}",
            .. args,
            $"--{LambdaHosting.ManagedHandlerSetting}=true",
        ]);

        try
        {
            _invoker = _application.Services.GetService<LambdaInvoker>() ?? throw new InvalidOperationException(
                $"The application's builder must call {nameof(LambdaHosting.AddLambdaHosting)} for {GetType().Name} to serve it.");

            // The managed runtime constructs the handler synchronously during the init phase; starting here means
            // configuration errors (such as a missing signing key) fail the init, not the first request.
            _application.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            _application.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// The managed runtime's handler: the event's JSON in, the proxy response's JSON out, so no serializer package
    /// is needed. A payload that is not a proxy event throws <see cref="LambdaEventFormatException"/>, which fails
    /// the invocation.
    /// </summary>
    public async Task<Stream> FunctionHandlerAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var payload = new MemoryStream();
        await input.CopyToAsync(payload);
        var response = await InvokeAsync(
            payload.GetBuffer().AsMemory(0, (int)payload.Length),
            new LambdaInvocation(RequestId: null, _invoker.HandlerDeadline(), TraceId: null),
            CancellationToken.None);
        return new MemoryStream(response, writable: false);
    }

    public async ValueTask DisposeAsync()
    {
        await _application.StopAsync();
        await _application.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Handles one invocation: a proxy event in, the proxy response's UTF-8 JSON out.</summary>
    internal Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> payload, LambdaInvocation invocation, CancellationToken cancellationToken) =>
        _invoker.InvokeAsync(payload, invocation, cancellationToken);
}
