namespace Gatehouse.Server.Apps;

/// <summary>
/// The usage risk of apps (usage monitoring, issue 20), as the review queue shows it. Defined here so that Apps does
/// not depend on the usage feature; the usage feature registers the implementation, and without it every app has none.
/// </summary>
internal interface IAppUsageRisk
{
    /// <summary>The risk of each app that has one (apps with no open alert are absent).</summary>
    Task<IReadOnlyDictionary<Guid, AppUsageRiskInfo>> RiskAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct);
}

/// <summary>An app's usage risk: a score 0–100 and its open alerts.</summary>
/// <param name="Score">0 (nothing seen) to 100.</param>
/// <param name="Level"><c>none</c>, <c>low</c>, <c>medium</c>, <c>high</c>.</param>
/// <param name="OpenAlerts">Open or acknowledged usage alerts.</param>
internal sealed record AppUsageRiskInfo(int Score, string Level, int OpenAlerts);
