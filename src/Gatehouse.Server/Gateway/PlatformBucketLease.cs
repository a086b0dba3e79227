using System.Threading.RateLimiting;

namespace Gatehouse.Server.Gateway;

/// <summary>A <see cref="PlatformTokenBucket"/>'s answer as a lease; a refused one carries <see cref="MetadataName.RetryAfter"/>.</summary>
internal sealed class PlatformBucketLease(PlatformBucketState state) : RateLimitLease
{
    public PlatformBucketState State { get; } = state;

    public override bool IsAcquired => State.Allowed;

    public override IEnumerable<string> MetadataNames => State.Allowed ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = !State.Allowed && metadataName == MetadataName.RetryAfter.Name ? State.RetryAfter : null;
        return metadata is not null;
    }
}
