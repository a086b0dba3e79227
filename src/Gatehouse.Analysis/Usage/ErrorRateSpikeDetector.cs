namespace Gatehouse.Analysis.Usage;

/// <summary>The share of the app's calls that fail (4xx other than 401/403, and 5xx) far above its own baseline share.</summary>
public sealed class ErrorRateSpikeDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.error-rate-spike";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "The share of the app's calls answered 4xx (other than 401/403) or 5xx in the last hour far above its usual share.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);
        if (!series.HasBaseline(options.MinimumBaseline))
        {
            return [];
        }

        // 401 and 403 are left out: they have their own detectors, and counting them twice would raise two alerts for one cause.
        var errors = series.Sum(m => Math.Max(0, HourlySeries.Count(m.Status4xx) - HourlySeries.Count(m.Unauthorized401) - HourlySeries.Count(m.Forbidden403)) + HourlySeries.Count(m.Status5xx));
        var calls = series.Sum(m => HourlySeries.Count(m.Calls));
        if (calls[^1] < options.ErrorRateMinimumCalls)
        {
            return [];
        }

        var historyCalls = HourlySeries.History(calls);
        var baseline = historyCalls > 0 ? HourlySeries.History(errors) / historyCalls : 0;
        var share = Math.Min(1, errors[^1] / calls[^1]);
        if (share < baseline + options.ErrorRateMinimumIncrease || share < baseline * options.ErrorRateMinimumFactor)
        {
            return [];
        }

        return
        [
            new UsageAlert(Id, Version, window.AppId, null, UsageSeverity.Medium, share / Math.Max(baseline, 1e-3),
                $"{share:P1} of the app's calls failed in the hour against {baseline:P1} usually.",
                new UsageEvidence(series.EvaluatedFrom, series.EvaluatedTo, "error-share/hour", share, baseline)),
        ];
    }
}
