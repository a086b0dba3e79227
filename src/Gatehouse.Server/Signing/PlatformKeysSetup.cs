namespace Gatehouse.Server.Signing;

/// <summary>Services of the platform keys: the admin operations (<see cref="PlatformKeys"/>) over the shared <see cref="PlatformKeyRing"/>.</summary>
internal static class PlatformKeysSetup
{
    public static IServiceCollection AddPlatformKeys(this IServiceCollection services) => services.AddScoped<PlatformKeys>();
}
