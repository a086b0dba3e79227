namespace Gatehouse.Server.Gateway;

/// <summary>What a bucket said to one call.</summary>
/// <param name="Allowed">The call got its token.</param>
/// <param name="Remaining">Whole calls left in the bucket now.</param>
/// <param name="UntilFull">When the bucket is full again (the <c>t</c> of the <c>RateLimit</c> header).</param>
/// <param name="RetryAfter">When a refused call may succeed (zero when allowed).</param>
internal sealed record PlatformBucketState(bool Allowed, long Remaining, TimeSpan UntilFull, TimeSpan RetryAfter);
