namespace Gatehouse.Server.Usage;

/// <summary><c>GET /api/apps/{app}/usage/risk</c>: the app's usage risk score (0–100), its level, open alerts, active throttle and suspensions.</summary>
/// <param name="Level"><c>none</c>, <c>low</c>, <c>medium</c>, <c>high</c>.</param>
/// <param name="OpenAlerts">Open or acknowledged alerts.</param>
/// <param name="Throttle">The active throttle, or null.</param>
/// <param name="Suspensions">The active suspensions of the app's platform access (kill switch, quarantine, a usage alert's action).</param>
internal sealed record UsageRiskInfo(string App, int Score, string Level, int OpenAlerts, UsageThrottleInfo? Throttle, IReadOnlyList<UsageSuspensionInfo> Suspensions);
