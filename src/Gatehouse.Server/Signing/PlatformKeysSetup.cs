namespace Gatehouse.Server.Signing;

/// <summary>Services of PlatformKeys (issue 19; filled in by its owner).</summary>
internal static class PlatformKeysSetup
{
    public static IServiceCollection AddPlatformKeys(this IServiceCollection services) => services;
}
