namespace Gatehouse.Server.Usage;

/// <summary>
/// <c>GET /api/apps/{app}/usage</c>: an app's calls in hour or day buckets over [<paramref name="From"/>,
/// <paramref name="To"/>), every bucket present (zeros included), optionally for one installation or endpoint.
/// </summary>
/// <param name="App">The app's slug.</param>
/// <param name="Bucket"><c>hour</c> or <c>day</c>.</param>
/// <param name="Installation">The tenant filtered on, or null.</param>
/// <param name="Endpoint">The endpoint template filtered on, or null.</param>
/// <param name="Total">The whole period.</param>
internal sealed record UsageSeriesInfo(
    string App, DateTimeOffset From, DateTimeOffset To, string Bucket, Guid? Installation, string? Endpoint, UsageCounts Total,
    IReadOnlyList<UsagePoint> Points);
