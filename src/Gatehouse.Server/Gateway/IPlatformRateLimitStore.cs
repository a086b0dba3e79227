namespace Gatehouse.Server.Gateway;

/// <summary>
/// Where the platform rate limits keep their buckets. The seam for several instances: today
/// <see cref="InMemoryPlatformRateLimitStore"/> (limits are per instance, so N instances behind a balancer allow up to
/// N times the limit); issue 21 adds a Redis-backed store that takes all of a call's tokens in one script.
/// </summary>
internal interface IPlatformRateLimitStore
{
    /// <summary>
    /// Takes one token from every bucket of <paramref name="buckets"/>, or from none: a call refused by one bucket
    /// costs the others nothing. The states are in the order of <paramref name="buckets"/>.
    /// </summary>
    ValueTask<IReadOnlyList<PlatformBucketState>> TakeAsync(IReadOnlyList<PlatformBucketRequest> buckets, CancellationToken ct);
}
