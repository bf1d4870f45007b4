using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Benchmarks;

/// <summary>
/// One access token from a real login, validated by the JwtBearer scheme's own handler with the parameters the app
/// configures (JwtBearerConfigurator), taken from the application's services. The session check that follows
/// (BearerEvents) is a database read and is measured with the Lambda invocation, not here.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private LambdaBenchmarkHost? _host;
    private JsonWebTokenHandler _handler = new();
    private TokenValidationParameters _parameters = new();
    private string _token = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await LambdaBenchmarkHost.StartAsync(todos: 0);
        _token = _host.AccessToken!;
        var options = _host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        _handler = options.TokenHandlers.OfType<JsonWebTokenHandler>().Single();
        _parameters = options.TokenValidationParameters;
        _ = await ValidateAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<ClaimsIdentity> ValidateAsync() => ValidateAsync(_parameters);

    /// <summary>JwtBearerHandler clones the parameters for every request before it validates; this is that cost included.</summary>
    [Benchmark]
    public Task<ClaimsIdentity> ValidateWithPerRequestCloneAsync() => ValidateAsync(_parameters.Clone());

    private async Task<ClaimsIdentity> ValidateAsync(TokenValidationParameters parameters)
    {
        var result = await _handler.ValidateTokenAsync(_token, parameters);

        // The identity is built lazily; the scheme always asks for it, so the benchmark does too.
        return result.IsValid ? result.ClaimsIdentity : throw new InvalidOperationException("The token did not validate.", result.Exception);
    }
}
