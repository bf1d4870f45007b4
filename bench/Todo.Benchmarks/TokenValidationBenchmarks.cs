using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Benchmarks;

/// <summary>
/// One access token from a real login, validated with the parameters the app configures (JwtBearerConfigurator),
/// taken from the application's services: in full, as a token is the first time the process sees it, and by the
/// scheme's own handler, which remembers the tokens it has accepted (RememberingJsonWebTokenHandler), as every later
/// request with it is. The session check that follows (BearerEvents) is a database read and is measured with the
/// Lambda invocation, not here.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private LambdaBenchmarkHost? _host;
    private TokenHandler _scheme = new JsonWebTokenHandler();
    private readonly JsonWebTokenHandler _full = new() { MapInboundClaims = false };
    private TokenValidationParameters _parameters = new();
    private string _token = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await LambdaBenchmarkHost.StartAsync(todos: 0);
        _token = _host.AccessToken!;
        var options = _host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        _scheme = options.TokenHandlers.Single();
        _parameters = options.TokenValidationParameters;
        _ = await ValidateAsync(_scheme, _parameters);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>JwtBearerHandler clones the parameters for every request before it validates; the cost included.</summary>
    [Benchmark(Baseline = true)]
    public Task<ClaimsIdentity> FirstSightAsync() => ValidateAsync(_full, _parameters.Clone());

    [Benchmark]
    public Task<ClaimsIdentity> SeenBeforeAsync() => ValidateAsync(_scheme, _parameters.Clone());

    private async Task<ClaimsIdentity> ValidateAsync(TokenHandler handler, TokenValidationParameters parameters)
    {
        var result = await handler.ValidateTokenAsync(_token, parameters);

        // The identity is built lazily; the scheme always asks for it, so the benchmark does too.
        return result.IsValid ? result.ClaimsIdentity : throw new InvalidOperationException("The token did not validate.", result.Exception);
    }
}
