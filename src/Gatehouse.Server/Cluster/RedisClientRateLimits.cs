using System.Threading.RateLimiting;
using Gatehouse.Server.Identity;

namespace Gatehouse.Server.Cluster;

/// <summary>
/// <see cref="IClientRateLimits"/> shared by every instance through Redis (registered when <c>Redis:Configuration</c> is
/// set): a window per policy and client address, key <c>{prefix}limit:{policy}:{address}</c>, gone when the window ends.
/// </summary>
internal sealed class RedisClientRateLimits(ClusterRedis redis, RedisFallbacks fallbacks, TimeProvider time) : IClientRateLimits
{
    public RateLimitPartition<string> FixedWindow(string policy, string client, int permitLimit, TimeSpan window) =>
        RateLimitPartition.Get(client, c => new RedisWindowRateLimiter(fallbacks, redis.Key($"limit:{policy}:{c}"), policy, permitLimit, window, time));
}
