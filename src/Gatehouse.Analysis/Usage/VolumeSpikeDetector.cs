namespace Gatehouse.Analysis.Usage;

/// <summary>Calls in the last hour far above the app's own hour-of-week baseline.</summary>
public sealed class VolumeSpikeDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.volume-spike";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Authenticated calls (all but 401s) in the last hour far above the app's own baseline for that hour of the week (EWMA per hour-of-week, robust z-score).";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);

        // Calls that failed authentication are left out: a 401 burst is the auth-failure detector's alert, and the
        // rejected calls cost the app's tenants nothing.
        // A new app has no baseline: no alarm before MinimumBaseline of history rather than alarms on a guess.
        if (!series.HasBaseline(options.MinimumBaseline) || series.Seasonal(series.Sum(m => HourlySeries.Count(m.Calls) - HourlySeries.Count(m.Unauthorized401)), options.EwmaAlpha) is not { } score)
        {
            return [];
        }

        if (score.Z < options.RobustZThreshold || score.Ratio < options.VolumeMinimumRatio || score.Observed < options.VolumeMinimumCalls)
        {
            return [];
        }

        return
        [
            new UsageAlert(Id, Version, window.AppId, null, score.Ratio >= 10 ? UsageSeverity.High : UsageSeverity.Medium, score.Z,
                $"{score.Observed:0} calls in the hour against {score.Expected:0.#} expected for this hour of the week ({score.Ratio:0.#}x, z = {score.Z:0.#}).",
                new UsageEvidence(series.EvaluatedFrom, series.EvaluatedTo, "calls/hour", score.Observed, score.Expected)),
        ];
    }
}
