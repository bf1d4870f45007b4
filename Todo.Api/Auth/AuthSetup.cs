using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Todo.Api.Infrastructure;
using Todo.Domain.Sessions;

namespace Todo.Api.Auth;

public static class AuthSetup
{
    public static IServiceCollection AddTodoAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.AddOptions<JwtOptions>().Bind(configuration.GetSection(JwtOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        if (environment.IsDevelopment())
        {
            // A fresh key per run keeps Development free of set-up and of committed secrets;
            // tokens simply do not outlive the process.
            var developmentKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
            services.PostConfigure<JwtOptions>(jwt =>
            {
                if (string.IsNullOrWhiteSpace(jwt.SigningKey))
                {
                    jwt.SigningKey = developmentKey;
                }
            });
        }

        services.AddOptions<PasswordHasherOptions>().Bind(configuration.GetSection(PasswordHasherOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LoginThrottleOptions>().Bind(configuration.GetSection(LoginThrottleOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<AccessTokenIssuer>();
        // Failures must be counted where every instance sees them: in the database when instances share one.
        services.AddSingleton<InMemoryLoginThrottle>();
        services.AddScoped<DatabaseLoginThrottle>();
        services.AddScoped<ILoginThrottle>(provider => provider.GetRequiredService<DatabaseTopology>().IsShared
            ? provider.GetRequiredService<DatabaseLoginThrottle>()
            : provider.GetRequiredService<InMemoryLoginThrottle>());
        services.AddScoped<SessionService>();
        services.AddScoped<AccountService>();

        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerConfigurator>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        WithoutDataProtectionKeyRingAtStartup(services);
        services.AddAuthorization();
        return services;
    }

    // Internal to ASP.NET Core, so known by name only; a rename makes the removal a no-op, which the start-up test catches.
    private const string KeyRingWarmUpService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// AddAuthentication registers Data Protection, whose hosted service loads (and on a fresh machine creates and
    /// writes) a key ring at every start, with a warning that the key is stored unencrypted. This API protects nothing
    /// with it: bearer tokens are signed JWTs, and there are no cookies, antiforgery tokens or remote sign-ins. So
    /// the key ring is left unloaded; should something ever use Data Protection, it still works and loads the ring
    /// on that first use.
    /// </summary>
    private static void WithoutDataProtectionKeyRingAtStartup(IServiceCollection services)
    {
        for (var index = services.Count - 1; index >= 0; index--)
        {
            if (services[index] is { ServiceType: var type, ImplementationType.FullName: KeyRingWarmUpService } && type == typeof(IHostedService))
            {
                services.RemoveAt(index);
            }
        }
    }
}
