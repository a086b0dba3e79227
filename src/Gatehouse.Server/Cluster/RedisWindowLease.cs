using System.Threading.RateLimiting;

namespace Gatehouse.Server.Cluster;

/// <summary>The answer of a <see cref="RedisWindowRateLimiter"/>; a refusal carries <see cref="MetadataName.RetryAfter"/>.</summary>
internal sealed class RedisWindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly RedisWindowLease Acquired = new(true, null);

    /// <summary>Not decided without I/O: the caller asks again with <c>AcquireAsync</c> (the rate limiting middleware does).</summary>
    public static readonly RedisWindowLease Undecided = new(false, null);

    public override bool IsAcquired { get; } = acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = retryAfter is { } r && metadataName == MetadataName.RetryAfter.Name ? r : null;
        return metadata is not null;
    }
}
