using System.Collections.Concurrent;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The platform rate limits' buckets in this process's memory. A full bucket is the same as no bucket, so full ones are
/// swept now and then (at most once a <see cref="SweepEvery"/>), which bounds memory by the callers of the last minutes.
/// </summary>
internal sealed class InMemoryPlatformRateLimitStore(TimeProvider time) : IPlatformRateLimitStore
{
    /// <summary>How often full buckets are forgotten.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, PlatformTokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _lastSweep = time.GetTimestamp();
    private int _sweeping;

    /// <summary>Buckets held now (for tests).</summary>
    public int Count => _buckets.Count;

    public ValueTask<IReadOnlyList<PlatformBucketState>> TakeAsync(IReadOnlyList<PlatformBucketRequest> buckets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        SweepIfDue();
        var states = new PlatformBucketState[buckets.Count];
        var held = new PlatformTokenBucket[buckets.Count];
        var refused = -1;
        for (var i = 0; i < buckets.Count; i++)
        {
            var request = buckets[i];
            var bucket = held[i] = _buckets.GetOrAdd(request.Key, static (_, a) => new PlatformTokenBucket(a.Limit, a.Time), (request.Limit, Time: time));
            if (!SameLimit(bucket.Limit, request.Limit)) bucket.Limit = request.Limit;
            // After a refusal the others are only looked at (zero tokens), for the headers.
            states[i] = bucket.TryTake(refused < 0 ? 1 : 0);
            if (refused < 0 && !states[i].Allowed) refused = i;
        }
        if (refused >= 0)
            for (var i = 0; i < buckets.Count; i++)
                if (i < refused)
                {
                    // All or nothing: the buckets before the refusing one give their token back.
                    held[i].Refund();
                    states[i] = held[i].TryTake(0) with { Allowed = false };
                }
                else if (i > refused) states[i] = states[i] with { Allowed = false };
        return ValueTask.FromResult<IReadOnlyList<PlatformBucketState>>(states);
    }

    private static bool SameLimit(TokenBucketLimit a, TokenBucketLimit b) => a.Burst == b.Burst && a.PerSecond.Equals(b.PerSecond);

    private void SweepIfDue()
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _lastSweep)) < SweepEvery || Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            Interlocked.Exchange(ref _lastSweep, time.GetTimestamp());
            foreach (var (key, bucket) in _buckets)
                if (bucket.IsFull) _buckets.TryRemove(new KeyValuePair<string, PlatformTokenBucket>(key, bucket));
        }
        finally { Volatile.Write(ref _sweeping, 0); }
    }
}
