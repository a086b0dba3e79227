using System.Threading.RateLimiting;
using Gatehouse.Server.Identity;
using StackExchange.Redis;

namespace Gatehouse.Server.Cluster;

/// <summary>
/// One client's fixed window (<see cref="IClientRateLimits"/>) counted in Redis, so every instance counts into the same
/// window: one script per request checks the count, adds to it and starts the window's expiry, atomically (two instances
/// never both take the last permit). Refused requests are not counted, as in the framework's fixed window. When Redis
/// does not answer (<see cref="RedisFallbacks"/>) the request is judged by this instance's own fixed window of the same
/// size: the limit is then per instance, never gone (docs/redis.md#when-redis-is-down).
/// </summary>
internal sealed class RedisWindowRateLimiter : RateLimiter
{
    // KEYS[1] the window's counter; ARGV: limit, permits, window in ms. Returns {acquired 0|1, ms until the window ends}.
    private const string Script = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        local ok = 0
        if used + tonumber(ARGV[2]) <= tonumber(ARGV[1]) then
          redis.call('INCRBY', KEYS[1], ARGV[2])
          ok = 1
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          if ok == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
          ttl = tonumber(ARGV[3])
        end
        return {ok, ttl}
        """;

    private readonly RedisFallbacks _fallbacks;
    private readonly RedisKey _key;
    private readonly string _use;
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lazy<FixedWindowRateLimiter> _local;
    private long _lastUse;

    public RedisWindowRateLimiter(RedisFallbacks fallbacks, RedisKey key, string use, int permitLimit, TimeSpan window, TimeProvider time)
    {
        _fallbacks = fallbacks;
        _key = key;
        _use = use;
        _permitLimit = permitLimit;
        _window = window;
        _time = time;
        _lastUse = time.GetTimestamp();
        _local = new(() => new FixedWindowRateLimiter(LocalClientRateLimits.Options(permitLimit, window)), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Idle since the last request, unless the local fallback holds a window in progress (the partitioned limiter drops
    /// idle limiters; the shared count lives in Redis, a local one must not be forgotten early).
    /// </summary>
    public override TimeSpan? IdleDuration =>
        _local.IsValueCreated && _local.Value.IdleDuration is null ? null : _time.GetElapsedTime(Interlocked.Read(ref _lastUse));

    public override RateLimiterStatistics? GetStatistics() => _local.IsValueCreated ? _local.Value.GetStatistics() : null;

    // Asking Redis is I/O, so the synchronous attempt decides nothing: the middleware then calls AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        permitCount == 0 ? RedisWindowLease.Acquired : RedisWindowLease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUse, _time.GetTimestamp());
        if (permitCount == 0) return RedisWindowLease.Acquired;
        if (_fallbacks.Database(_use) is { } db)
        {
            try
            {
                var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [_key],
                    [_permitLimit, permitCount, (long)_window.TotalMilliseconds]))!;
                _fallbacks.Answered();
                return (long)result[0] == 1
                    ? RedisWindowLease.Acquired
                    : new RedisWindowLease(false, TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])));
            }
            catch (Exception e) when (RedisFallbacks.IsRedisFailure(e))
            {
                _fallbacks.Failed(_use, e);
            }
        }
        return await _local.Value.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _local.IsValueCreated) _local.Value.Dispose();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (_local.IsValueCreated) await _local.Value.DisposeAsync();
        await base.DisposeAsyncCore();
    }
}
