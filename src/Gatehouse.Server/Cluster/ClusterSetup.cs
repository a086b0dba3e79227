namespace Gatehouse.Server.Cluster;

/// <summary>Registers Redis (when <c>Redis:Configuration</c> is set) and the cluster signals (docs/scale-out.md).</summary>
internal static class ClusterSetup
{
    public static IServiceCollection AddGatehouseCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        services.AddSingleton<ClusterRedis>();
        services.AddSingleton<IClusterSignals>(sp => sp.GetRequiredService<ClusterRedis>().Enabled
            ? ActivatorUtilities.CreateInstance<RedisClusterSignals>(sp)
            : new LocalClusterSignals());
        return services;
    }
}
