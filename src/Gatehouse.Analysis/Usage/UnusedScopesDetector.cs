namespace Gatehouse.Analysis.Usage;

/// <summary>Scopes granted but not used for 30 days: candidates to drop at the next review (least privilege).</summary>
public sealed class UnusedScopesDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.unused-scope";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Scopes the app holds but has not used for 30 days; severity low, for least privilege at re-review.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var cutoff = now - options.UnusedScopePeriod;
        var alerts = new List<UsageAlert>();
        foreach (var grant in window.GrantedScopes.Where(g => g is not null).DistinctBy(g => g.Scope, StringComparer.Ordinal).OrderBy(g => g.Scope, StringComparer.Ordinal))
        {
            // A scope granted less than the period ago has not had the chance to be used; a use stamped after now is a bad clock and does not count.
            if (grant.GrantedAt > cutoff)
            {
                continue;
            }

            var used = window.ScopesLastUsed.TryGetValue(grant.Scope, out var last) && last <= now ? last : (DateTimeOffset?)null;
            if (used is { } seen && seen > cutoff)
            {
                continue;
            }

            var days = (now - (used ?? grant.GrantedAt)).TotalDays;
            alerts.Add(new UsageAlert(Id, Version, window.AppId, null, UsageSeverity.Low, days,
                used is null ? $"Scope {grant.Scope} granted {days:0} days ago and never used." : $"Scope {grant.Scope} last used {days:0} days ago.",
                new UsageEvidence(cutoff, now, $"days-unused:{grant.Scope}", days, options.UnusedScopePeriod.TotalDays)));
        }

        return alerts;
    }
}
