using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Gatehouse.Server.Cluster;

/// <summary>
/// Where the shared limits (platform rate limits, sign-in and download throttling) ask Redis, and what they do when it
/// does not answer: each falls back to its in-process limiter, so an outage never fails a call, and limits become per
/// instance meanwhile (docs/redis.md#when-redis-is-down). An outage is logged once (when it starts and when it ends),
/// and every fallen-back call is counted in <c>gatehouse.redis.fallbacks</c> (meter <c>Gatehouse.Cluster</c>, label
/// <c>use</c>). After a failed command the callers stay local for <see cref="Pause"/>, so a Redis that is slow rather
/// than down costs one timeout per pause, not one per call.
/// </summary>
internal sealed class RedisFallbacks
{
    public const string MeterName = "Gatehouse.Cluster";

    /// <summary>How long the callers stay local after a failed command before they try Redis again.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    private readonly ClusterRedis _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisFallbacks> _logger;
    private readonly Counter<long> _fallbacks;
    private int _down;
    private long _retryAt;
    private long _count;

    public RedisFallbacks(ClusterRedis redis, TimeProvider time, IMeterFactory meters, ILogger<RedisFallbacks> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _redis = redis;
        _time = time;
        _logger = logger;
        _fallbacks = meters.Create(MeterName).CreateCounter<long>("gatehouse.redis.fallbacks", "{call}",
            "Calls whose shared limit was decided by this process because Redis did not answer, by use.");
    }

    /// <summary>True from a failure until Redis answers again.</summary>
    public bool Down => Volatile.Read(ref _down) == 1;

    /// <summary>Calls fallen back since start (for tests; the metric is what operators read).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>
    /// The database to ask, or null when the caller must decide locally now: Redis is not configured, not connected (a
    /// command would only wait in the connection's backlog until it times out), or failed less than <see cref="Pause"/> ago.
    /// A null for a configured Redis is counted as a fallback of <paramref name="use"/>.
    /// </summary>
    public IDatabase? Database(string use)
    {
        if (!_redis.Enabled) return null;
        if (Down && _time.GetTimestamp() < Interlocked.Read(ref _retryAt))
        {
            Counted(use);
            return null;
        }
        try
        {
            var connection = _redis.Connection;
            if (connection.IsConnected) return connection.GetDatabase();
            Failed(use, null);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            Failed(use, e);
        }
        return null;
    }

    /// <summary>Records that a command of <paramref name="use"/> failed; the caller decides locally.</summary>
    public void Failed(string use, Exception? error)
    {
        Interlocked.Exchange(ref _retryAt, _time.GetTimestamp() + (long)(Pause.TotalSeconds * _time.TimestampFrequency));
        Counted(use);
        if (Interlocked.Exchange(ref _down, 1) == 0)
            _logger.LogWarning(error, "Redis did not answer ({Use}): rate limits and sign-in throttling are per instance until it does", use);
    }

    /// <summary>Records that Redis answered; ends an outage.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
            _logger.LogWarning("Redis answers again: rate limits and sign-in throttling are shared again");
    }

    /// <summary>The failures a shared limit survives by deciding locally (anything else is a bug and propagates).</summary>
    public static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException;

    private void Counted(string use)
    {
        Interlocked.Increment(ref _count);
        _fallbacks.Add(1, new KeyValuePair<string, object?>("use", use));
    }
}
