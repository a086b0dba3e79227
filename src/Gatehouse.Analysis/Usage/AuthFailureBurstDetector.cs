namespace Gatehouse.Analysis.Usage;

/// <summary>A burst of 401s: credential stuffing, a leaked or revoked token being retried.</summary>
public sealed class AuthFailureBurstDetector(UsageDetectorOptions options) : IUsageDetector
{
    /// <inheritdoc/>
    public string Id => "usage.auth-failure-burst";

    /// <inheritdoc/>
    public string Version => "1";

    /// <inheritdoc/>
    public string Explanation => "Many calls answered 401 in the last hour, and a large share of the app's calls.";

    /// <inheritdoc/>
    public IReadOnlyList<UsageAlert> Detect(UsageWindow window, DateTimeOffset now)
    {
        var series = HourlySeries.Build(window, now, options);
        var failures = series.Sum(m => HourlySeries.Count(m.Unauthorized401));
        var calls = series.Sum(m => HourlySeries.Count(m.Calls));
        var observed = failures[^1];
        var share = calls[^1] > 0 ? observed / calls[^1] : 0;

        // No baseline needed: a healthy app almost never gets 401s, so an absolute count and share suffice and also cover new apps.
        if (observed < options.AuthFailureMinimum || share < options.AuthFailureMinimumShare)
        {
            return [];
        }

        return
        [
            new UsageAlert(Id, Version, window.AppId, null, UsageSeverity.High, observed,
                $"{observed:0} calls answered 401 in the hour ({share:P0} of the app's calls).",
                new UsageEvidence(series.EvaluatedFrom, series.EvaluatedTo, "401/hour", observed, options.AuthFailureMinimum)),
        ];
    }
}
