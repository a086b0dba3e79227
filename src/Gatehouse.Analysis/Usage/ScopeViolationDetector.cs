namespace Gatehouse.Analysis.Usage;

/// <summary>Repeated 403s for scopes the app's token lacks: probing for data it was not granted.</summary>
public sealed class ScopeViolationDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.scope-violation";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Repeated calls refused for a scope the app's token lacks in the last hour.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);
        var from = series.EvaluatedFrom;
        var byInstallation = series.Rows
            .Where(r => r.Minute >= from && r.ScopeViolations > 0)
            .GroupBy(r => r.InstallationId, StringComparer.Ordinal)
            .Select(g => (Installation: g.Key, Count: g.Sum(r => (double)r.ScopeViolations)))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Installation, StringComparer.Ordinal)
            .ToList();
        var observed = byInstallation.Sum(x => x.Count);
        if (observed < options.ScopeViolationMinimum)
        {
            return [];
        }

        // Name the installation when one carries most of it: that is where the reviewer looks first.
        var top = byInstallation[0].Count * 2 > observed ? byInstallation[0].Installation : null;
        return
        [
            new UsageAlert(Id, Version, window.AppId, top, UsageSeverity.High, observed,
                $"{observed:0} calls refused for a scope the app lacks in the hour.",
                new UsageEvidence(from, series.EvaluatedTo, "scope-violations/hour", observed, options.ScopeViolationMinimum)),
        ];
    }
}
