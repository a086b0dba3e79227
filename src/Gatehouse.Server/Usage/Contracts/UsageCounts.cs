namespace Gatehouse.Server.Usage;

/// <summary>What an app's platform calls added up to over a span (a bucket, an endpoint, an installation, a period).</summary>
/// <param name="Calls">Calls counted.</param>
/// <param name="Status2xx">Successful answers.</param>
/// <param name="Status4xx">Client errors (the 401, 403 and 429 below included).</param>
/// <param name="Status5xx">Server errors.</param>
/// <param name="Unauthorized401">Calls refused for their credential.</param>
/// <param name="Forbidden403">Calls refused for a tenant or a scope.</param>
/// <param name="TooMany429">Calls refused by the rate limits.</param>
/// <param name="ScopeViolations">Calls that needed a scope the credential lacks.</param>
/// <param name="NotInstalledCalls">Calls for a tenant where the app is not installed.</param>
/// <param name="BytesOut">Response bytes sent to the app.</param>
/// <param name="MeanLatencyMs">Mean latency in milliseconds (0 without calls).</param>
/// <param name="MaxLatencyMs">Highest latency in milliseconds.</param>
internal sealed record UsageCounts(
    long Calls, long Status2xx, long Status4xx, long Status5xx, long Unauthorized401, long Forbidden403, long TooMany429,
    long ScopeViolations, long NotInstalledCalls, long BytesOut, double MeanLatencyMs, double MaxLatencyMs)
{
    /// <summary>No calls.</summary>
    public static readonly UsageCounts None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
