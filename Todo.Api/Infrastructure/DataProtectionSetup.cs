namespace Todo.Api.Infrastructure;

public static class DataProtectionSetup
{
    // Internal to ASP.NET Core, so known by name only; a rename makes the removal a no-op, which the start-up test catches.
    private const string KeyRingWarmUpService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// AddAuthentication registers Data Protection, whose hosted service loads (and on a fresh machine creates and
    /// writes) a key ring at every start, with a warning that the key is stored unencrypted. This API protects nothing
    /// with it: bearer tokens are signed JWTs, and there are no cookies, antiforgery tokens or remote sign-ins. So
    /// the key ring is left unloaded; should something ever use Data Protection, it still works and loads the ring
    /// on that first use.
    /// </summary>
    public static IServiceCollection WithoutDataProtectionKeyRingAtStartup(this IServiceCollection services)
    {
        for (var index = services.Count - 1; index >= 0; index--)
        {
            if (services[index] is { ServiceType: var type, ImplementationType.FullName: KeyRingWarmUpService } && type == typeof(IHostedService))
            {
                services.RemoveAt(index);
            }
        }

        return services;
    }
}
