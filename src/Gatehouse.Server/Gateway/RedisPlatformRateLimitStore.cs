using Gatehouse.Server.Cluster;
using StackExchange.Redis;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The platform rate limits' buckets in Redis (registered when <c>Redis:Configuration</c> is set), so N web instances
/// behind a balancer allow an app its limit once, not N times. One Lua script per call refills and takes from all of the
/// call's buckets atomically, with the same arithmetic and the same all-or-nothing rule as
/// <see cref="InMemoryPlatformRateLimitStore"/>. A bucket is a hash <c>{prefix}rl:{bucket key}</c> (tokens, updated at)
/// that expires when it would be full again (a full bucket is the same as none). Time is Redis's own clock
/// (<c>TIME</c> inside the script), not the caller's: every instance then refills by one clock, where the web hosts'
/// clocks may disagree by more than a token's worth. When Redis does not answer, the call is judged by this
/// instance's in-memory buckets (<see cref="RedisFallbacks"/>; docs/redis.md#when-redis-is-down).
/// </summary>
internal sealed class RedisPlatformRateLimitStore(ClusterRedis redis, RedisFallbacks fallbacks, TimeProvider time) : IPlatformRateLimitStore
{
    public const string Use = "platform_rate_limit";

    // KEYS: the buckets. ARGV[1]: now in µs, or empty for Redis's TIME; then burst and per-second rate of each bucket.
    // Returns {index of the refusing bucket (0: none), then per bucket: whole tokens left, µs until full, µs until a retry}.
    private const string Script = """
        local now = tonumber(ARGV[1])
        if not now then
          local t = redis.call('TIME')
          now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        end
        local n = #KEYS
        local tokens = {}
        local refused = 0
        for i = 1, n do
          local burst = tonumber(ARGV[2 * i])
          local rate = tonumber(ARGV[2 * i + 1])
          local h = redis.call('HMGET', KEYS[i], 't', 'u')
          local t = tonumber(h[1])
          local u = tonumber(h[2])
          if not t or not u then
            t = burst
          elseif now > u then
            t = math.min(burst, t + (now - u) / 1000000 * rate)
          else
            t = math.min(burst, t)
          end
          tokens[i] = t
          if refused == 0 and t < 1 then refused = i end
        end
        local out = {refused}
        for i = 1, n do
          local burst = tonumber(ARGV[2 * i])
          local rate = tonumber(ARGV[2 * i + 1])
          local t = tokens[i]
          if refused == 0 then t = t - 1 end
          local untilFull = math.max(0, (burst - t) / rate)
          if t >= burst then
            redis.call('DEL', KEYS[i])
          else
            redis.call('HSET', KEYS[i], 't', t, 'u', now)
            redis.call('PEXPIRE', KEYS[i], math.ceil(untilFull * 1000) + 1000)
          end
          local retry = 0
          if i == refused then retry = math.ceil((1 - t) / rate * 1000000) end
          out[#out + 1] = math.floor(t)
          out[#out + 1] = math.ceil(untilFull * 1000000)
          out[#out + 1] = retry
        end
        return out
        """;

    private readonly InMemoryPlatformRateLimitStore _local = new(time);

    /// <summary>For tests only: the clock the script uses instead of Redis's <c>TIME</c> (bucket arithmetic with a fake clock).</summary>
    internal TimeProvider? ScriptClock { get; init; }

    /// <summary>The in-memory buckets used while Redis does not answer (for tests).</summary>
    internal InMemoryPlatformRateLimitStore Local => _local;

    public async ValueTask<IReadOnlyList<PlatformBucketState>> TakeAsync(IReadOnlyList<PlatformBucketRequest> buckets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Count > 0 && fallbacks.Database(Use) is { } db)
        {
            try
            {
                var states = await TakeAsync(db, buckets);
                fallbacks.Answered();
                return states;
            }
            catch (Exception e) when (RedisFallbacks.IsRedisFailure(e))
            {
                fallbacks.Failed(Use, e);
            }
        }
        return await _local.TakeAsync(buckets, ct);
    }

    private async Task<PlatformBucketState[]> TakeAsync(IDatabase db, IReadOnlyList<PlatformBucketRequest> buckets)
    {
        var keys = new RedisKey[buckets.Count];
        var args = new RedisValue[1 + 2 * buckets.Count];
        args[0] = ScriptClock is { } clock ? clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000 : RedisValue.EmptyString;
        for (var i = 0; i < buckets.Count; i++)
        {
            keys[i] = redis.Key("rl:" + buckets[i].Key);
            args[1 + 2 * i] = buckets[i].Limit.Burst;
            args[2 + 2 * i] = buckets[i].Limit.PerSecond;
        }
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, keys, args))!;
        var refused = (int)result[0];
        var states = new PlatformBucketState[buckets.Count];
        for (var i = 0; i < buckets.Count; i++)
        {
            var at = 1 + 3 * i;
            states[i] = new PlatformBucketState(refused == 0, Math.Max(0, (long)result[at]),
                TimeSpan.FromMicroseconds((long)result[at + 1]), TimeSpan.FromMicroseconds((long)result[at + 2]));
        }
        return states;
    }
}
