using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The usage risk of apps (<see cref="IAppUsageRisk"/>), from their open and acknowledged usage alerts:
/// <c>score = min(100, Σ weight(severity) × (1 + ln occurrences) × 0.5^(days since last seen / 7))</c>, weights
/// high 40, medium 15, low 3 (info 1); at least 1 while any alert is open. Level: <c>high</c> from 60, <c>medium</c>
/// from 25, otherwise <c>low</c>; apps with no open alert are absent (<c>none</c>). Docs: docs/usage-alerts.md.
/// </summary>
internal sealed class AppUsageRisk(GatehouseDb db, TimeProvider time) : IAppUsageRisk
{
    /// <summary>Days after which an alert not seen again weighs half.</summary>
    public const double HalfLifeDays = 7;

    public async Task<IReadOnlyDictionary<Guid, AppUsageRiskInfo>> RiskAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(appIds);
        if (appIds.Count == 0) return new Dictionary<Guid, AppUsageRiskInfo>();
        var ids = appIds.Distinct().ToList();
        var alerts = await db.Set<UsageAlertRecord>().AsNoTracking()
            .Where(a => ids.Contains(a.AppId) && (a.Status == UsageAlertStatuses.Open || a.Status == UsageAlertStatuses.Acknowledged))
            .Select(a => new { a.AppId, a.Severity, a.Occurrences, a.LastSeenAt })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return alerts.GroupBy(a => a.AppId).ToDictionary(g => g.Key, g =>
            Of(g.Select(a => (a.Severity, a.Occurrences, a.LastSeenAt)), now, g.Count()));
    }

    /// <summary>The formula, for one app's open alerts.</summary>
    public static AppUsageRiskInfo Of(IEnumerable<(string Severity, int Occurrences, DateTimeOffset LastSeenAt)> alerts, DateTimeOffset now, int open)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var sum = alerts.Sum(a =>
        {
            var days = Math.Max(0, (now - a.LastSeenAt).TotalDays);
            return Weight(a.Severity) * (1 + Math.Log(Math.Max(1, a.Occurrences))) * Math.Pow(0.5, days / HalfLifeDays);
        });
        var score = open == 0 ? 0 : (int)Math.Clamp(Math.Round(sum), 1, 100);
        return new AppUsageRiskInfo(score, LevelOf(score), open);
    }

    /// <summary>none (0), low, medium (from 25), high (from 60).</summary>
    public static string LevelOf(int score) => score switch
    {
        >= 60 => "high",
        >= 25 => "medium",
        > 0 => "low",
        _ => "none",
    };

    private static double Weight(string severity) => severity switch
    {
        "high" => 40,
        "medium" => 15,
        "low" => 3,
        _ => 1,
    };
}
