namespace Gatehouse.Analysis.Usage;

/// <summary>Calls for many tenants where the app is not installed: walking tenant ids to find data.</summary>
public sealed class TenantEnumerationDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.tenant-enumeration";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Calls in the last hour for several distinct tenants where the app is not installed.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);
        var from = series.EvaluatedFrom;

        // Distinct tenants, not calls: one stale tenant retried a hundred times is a bug, thirty tenants once each is a walk.
        var tenants = series.Rows.Where(r => r.Minute >= from && r.NotInstalledCalls > 0)
            .Select(r => r.InstallationId).Distinct(StringComparer.Ordinal).Count();
        if (tenants < options.EnumerationMinimumTenants)
        {
            return [];
        }

        return
        [
            new UsageAlert(Id, Version, window.AppId, null, UsageSeverity.High, tenants,
                $"Calls for {tenants} distinct tenants where the app is not installed in the hour.",
                new UsageEvidence(from, series.EvaluatedTo, "not-installed-tenants/hour", tenants, options.EnumerationMinimumTenants)),
        ];
    }
}
