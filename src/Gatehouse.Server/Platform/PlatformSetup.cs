using Gatehouse.Server.Identity;

namespace Gatehouse.Server.Platform;

/// <summary>
/// The platform API's scheme (a bearer credential of ours, i.e. an API key, or an OAuth access token), its
/// policies (<see cref="PlatformAuth"/>) and its path, answered as an API.
/// </summary>
internal static class PlatformSetup
{
    public static IServiceCollection AddGatehousePlatform(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddPolicyScheme(PlatformAuth.SchemeName, "API key or OAuth access token", o => o.ForwardDefaultSelector = PlatformAuth.Forward);
        services.AddAuthorization(PlatformAuth.Configure);
        services.Configure<ApiPaths>(o => o.Prefixes.Add(PlatformApi.Prefix));
        return services;
    }
}
