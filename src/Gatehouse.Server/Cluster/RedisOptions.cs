namespace Gatehouse.Server.Cluster;

/// <summary>
/// Section <c>Redis</c>: the shared, fast state of several Gatehouse instances (docs/scale-out.md). Empty
/// <see cref="Configuration"/> (the default) means one process: rate limits, login throttling and cache invalidation stay
/// in memory.
/// </summary>
internal sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>; empty: no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key and channel, so that several Gatehouse installations may share one Redis.</summary>
    public string KeyPrefix { get; set; } = "gatehouse:";

    /// <summary>How long a Redis command may take before the caller falls back (milliseconds).</summary>
    public int TimeoutMs { get; set; } = 500;
}
