using System.Threading.RateLimiting;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Fixed-window limits per client address for the rate limiter's policies (sign-in, downloads): in this process by
/// default (<see cref="LocalClientRateLimits"/>), shared by every instance when Redis is configured
/// (<c>Cluster/RedisClientRateLimits</c>), so a client spreading its requests over several web instances gets the same
/// limit as on one (docs/redis.md). Defined here, in a shared folder, so Identity's own policy can use it without knowing
/// Redis.
/// </summary>
internal interface IClientRateLimits
{
    /// <summary>
    /// The partition of policy <paramref name="policy"/> for <paramref name="client"/>: <paramref name="permitLimit"/>
    /// requests per <paramref name="window"/>, never queued; a refusal's lease carries <c>RetryAfter</c>.
    /// </summary>
    RateLimitPartition<string> FixedWindow(string policy, string client, int permitLimit, TimeSpan window);
}
