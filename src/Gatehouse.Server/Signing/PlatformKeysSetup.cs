namespace Gatehouse.Server.Signing;

/// <summary>
/// Services of the platform keys: the admin operations (<see cref="PlatformKeys"/>) over the shared <see cref="PlatformKeyRing"/>,
/// and their half of the audit gap check.
/// </summary>
internal static class PlatformKeysSetup
{
    public static IServiceCollection AddPlatformKeys(this IServiceCollection services)
    {
        services.AddScoped<PlatformKeys>();
        services.AddScoped<Audit.IAuditGapCheck, SigningKeyAuditGaps>(); // every key created and retired has its audit entry
        return services;
    }
}
