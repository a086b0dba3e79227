using Gatehouse.Server.Identity;

namespace Gatehouse.Server.Cluster;

/// <summary>Registers Redis (when <c>Redis:Configuration</c> is set) and the cluster signals (docs/scale-out.md), and the limits shared through it (docs/redis.md).</summary>
internal static class ClusterSetup
{
    public static IServiceCollection AddGatehouseCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<IClusterSignals>(sp => sp.GetRequiredService<ClusterRedis>().Enabled
            ? ActivatorUtilities.CreateInstance<RedisClusterSignals>(sp)
            : new LocalClusterSignals());
        // The shared limits (docs/redis.md): per-address windows of sign-in and downloads; the platform buckets are
        // registered by Gateway/GatewaySetup. Each falls back to its in-process limiter while Redis does not answer.
        services.AddSingleton<RedisFallbacks>();
        services.AddSingleton<IClientRateLimits>(sp => sp.GetRequiredService<ClusterRedis>().Enabled
            ? ActivatorUtilities.CreateInstance<RedisClientRateLimits>(sp)
            : new LocalClientRateLimits());
        return services;
    }
}
