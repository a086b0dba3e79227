using System.Threading.RateLimiting;

namespace Gatehouse.Server.Identity;

/// <summary>The fixed windows of <see cref="IClientRateLimits"/> in this process's memory (one instance, or no Redis).</summary>
internal sealed class LocalClientRateLimits : IClientRateLimits
{
    public RateLimitPartition<string> FixedWindow(string policy, string client, int permitLimit, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => Options(permitLimit, window));

    /// <summary>The framework limiter's options for one window: no queue, replenished by its own timer.</summary>
    public static FixedWindowRateLimiterOptions Options(int permitLimit, TimeSpan window) => new()
    {
        PermitLimit = permitLimit, Window = window, QueueLimit = 0, AutoReplenishment = true,
    };
}
