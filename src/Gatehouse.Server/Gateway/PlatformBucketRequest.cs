namespace Gatehouse.Server.Gateway;

/// <summary>One bucket a call must take a token from: its name in the <c>RateLimit</c> headers, its key and limit.</summary>
/// <param name="Policy">The policy name in the headers (<c>app</c>, <c>installation</c>).</param>
/// <param name="Key">The bucket's key (<c>app:{appId}</c>, <c>installation:{appId}:{tenant}</c>).</param>
/// <param name="Limit">The limit in force for this call (tier times throttle).</param>
internal sealed record PlatformBucketRequest(string Policy, string Key, TokenBucketLimit Limit);
