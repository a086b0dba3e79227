namespace Gatehouse.Analysis.Usage;

/// <summary>Bytes out or pages far above the app's baseline, and per call too: someone is pulling everything out.</summary>
public sealed class BulkExportDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.bulk-export";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Bytes out or pages in the last hour far above the app's hour-of-week baseline and per call above its usual, as in a bulk export.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);
        if (!series.HasBaseline(options.MinimumBaseline))
        {
            return [];
        }

        var calls = series.Sum(m => HourlySeries.Count(m.Calls));
        var bytes = series.Sum(m => HourlySeries.Count(m.BytesOut));
        var pages = series.Sum(m => HourlySeries.Count(m.Pages));
        var historyCalls = Math.Max(1, HourlySeries.History(calls));
        var currentCalls = Math.Max(1, calls[^1]);

        var alert = Check(series, bytes, "bytes-out/hour", options.BulkMinimumBytes, historyCalls, currentCalls)
            ?? Check(series, pages, "pages/hour", options.BulkMinimumPages, historyCalls, currentCalls);
        if (alert is not { } found)
        {
            return [];
        }

        return
        [
            new UsageAlert(Id, Version, window.AppId, null, UsageSeverity.High, found.Score.Z,
                $"{found.Score.Observed:0} {found.Metric} against {found.Score.Expected:0.#} expected ({found.Score.Ratio:0.#}x), {found.PerCall:0.#}x the usual per call.",
                new UsageEvidence(series.EvaluatedFrom, series.EvaluatedTo, found.Metric, found.Score.Observed, found.Score.Expected)),
        ];
    }

    private (SeasonalScore Score, string Metric, double PerCall)? Check(HourlySeries series, double[] values, string metric, long minimum, double historyCalls, double currentCalls)
    {
        if (series.Seasonal(values, options.EwmaAlpha) is not { } score
            || score.Z < options.RobustZThreshold || score.Ratio < options.BulkMinimumRatio || score.Observed < minimum)
        {
            return null;
        }

        // Per call: a plain volume spike moves proportionally more data; that is the volume detector's alert, not this one's.
        var usualPerCall = Math.Max(HourlySeries.History(values) / historyCalls, 1e-9);
        var perCall = score.Observed / currentCalls / usualPerCall;
        return perCall >= options.BulkMinimumPerCallRatio ? (score, metric, perCall) : null;
    }
}
