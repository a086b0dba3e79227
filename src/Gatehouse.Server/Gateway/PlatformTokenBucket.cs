using System.Threading.RateLimiting;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// One token bucket of the platform rate limits, as a <see cref="RateLimiter"/> (System.Threading.RateLimiting). Unlike
/// the framework's <see cref="TokenBucketRateLimiter"/> it refills lazily from an injected <see cref="TimeProvider"/>
/// (no timer per bucket, deterministic in tests), takes its limit per call (a throttle or a tier change applies at once,
/// without losing the bucket's state), and tells how many calls remain and when it is full again, which the
/// <c>RateLimit</c> header needs. Never queues: a call either gets a token now or is told when to retry.
/// </summary>
internal sealed class PlatformTokenBucket(TokenBucketLimit limit, TimeProvider time) : RateLimiter
{
    private readonly Lock _gate = new();
    private TokenBucketLimit _limit = limit;
    private double _tokens = limit.Burst;
    private long _updated = time.GetTimestamp();
    private long _lastUse = time.GetTimestamp();
    private long _successes;
    private long _failures;

    /// <summary>The limit in force; a smaller burst drops the tokens above it.</summary>
    public TokenBucketLimit Limit
    {
        get { lock (_gate) return _limit; }
        set { ArgumentNullException.ThrowIfNull(value); lock (_gate) { Refill(); _limit = value; _tokens = Math.Min(_tokens, value.Burst); } }
    }

    /// <summary>Takes <paramref name="permits"/> tokens if the bucket holds them.</summary>
    public PlatformBucketState TryTake(int permits = 1)
    {
        lock (_gate)
        {
            Refill();
            if (permits > 0) _lastUse = _updated;
            var allowed = _tokens >= permits;
            if (allowed && permits > 0) { _tokens -= permits; _successes++; } else if (!allowed) _failures++;
            var retry = allowed ? TimeSpan.Zero : TimeSpan.FromSeconds((permits - _tokens) / _limit.PerSecond);
            return new PlatformBucketState(allowed, (long)Math.Floor(_tokens), TimeSpan.FromSeconds((_limit.Burst - _tokens) / _limit.PerSecond), retry);
        }
    }

    /// <summary>Gives back tokens taken for a call that another bucket refused.</summary>
    public void Refund(int permits = 1)
    {
        lock (_gate) { Refill(); _tokens = Math.Min(_limit.Burst, _tokens + permits); _successes--; }
    }

    /// <summary>True when the bucket is full again: forgetting it changes nothing.</summary>
    public bool IsFull
    {
        get { lock (_gate) { Refill(); return _tokens >= _limit.Burst; } }
    }

    public override TimeSpan? IdleDuration
    {
        get { lock (_gate) return time.GetElapsedTime(_lastUse); }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Floor(_tokens), CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successes, TotalFailedLeases = _failures,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => new PlatformBucketLease(TryTake(permitCount));

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_updated, now).TotalSeconds;
        if (elapsed > 0) _tokens = Math.Min(_limit.Burst, _tokens + elapsed * _limit.PerSecond);
        _updated = now;
    }
}
