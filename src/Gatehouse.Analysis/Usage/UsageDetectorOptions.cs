namespace Gatehouse.Analysis.Usage;

/// <summary>
/// The thresholds of all usage detectors, in one place. The defaults are documented here and in docs/usage-detectors.md;
/// they were chosen so that four weeks of simulated normal traffic (diurnal and weekly shape, ±15 % noise) raise no alert.
/// </summary>
public sealed record UsageDetectorOptions
{
    /// <summary>The defaults.</summary>
    public static UsageDetectorOptions Default { get; } = new();

    /// <summary>How much history is read for a baseline. Default 28 days (four of each hour-of-week).</summary>
    public TimeSpan BaselinePeriod { get; init; } = TimeSpan.FromDays(28);

    /// <summary>History an app needs before the baseline detectors (volume, bulk export, error rate) may alarm. Default 7 days: one of each hour-of-week.</summary>
    public TimeSpan MinimumBaseline { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Weight of the newest week in the hour-of-week EWMA. Default 0.5.</summary>
    public double EwmaAlpha { get; init; } = 0.5;

    /// <summary>Robust z-score (median/MAD of log residuals) at or above which a baseline metric is anomalous. Default 6.</summary>
    public double RobustZThreshold { get; init; } = 6;

    /// <summary>Minimum observed/expected ratio for a volume spike. Default 3.</summary>
    public double VolumeMinimumRatio { get; init; } = 3;

    /// <summary>Minimum calls in the hour for a volume spike, so quiet apps do not alarm on tiny numbers. Default 500.</summary>
    public long VolumeMinimumCalls { get; init; } = 500;

    /// <summary>401s in the hour from which an authentication failure burst is reported. Default 100.</summary>
    public long AuthFailureMinimum { get; init; } = 100;

    /// <summary>Minimum share of the hour's calls answered 401. Default 0.2.</summary>
    public double AuthFailureMinimumShare { get; init; } = 0.2;

    /// <summary>Scope violations in the hour from which they count as repeated. Default 20.</summary>
    public long ScopeViolationMinimum { get; init; } = 20;

    /// <summary>Distinct tenants without the app installed, in the hour, from which tenant enumeration is reported. Default 5.</summary>
    public int EnumerationMinimumTenants { get; init; } = 5;

    /// <summary>Minimum observed/expected ratio of bytes out or pages for a bulk export. Default 5.</summary>
    public double BulkMinimumRatio { get; init; } = 5;

    /// <summary>Minimum rise of bytes or pages per call over the baseline, so a plain volume spike is left to the volume detector. Default 3.</summary>
    public double BulkMinimumPerCallRatio { get; init; } = 3;

    /// <summary>Minimum bytes out in the hour for a bulk export. Default 100 MB.</summary>
    public long BulkMinimumBytes { get; init; } = 100_000_000;

    /// <summary>Minimum pages in the hour for a bulk export. Default 200.</summary>
    public long BulkMinimumPages { get; init; } = 200;

    /// <summary>Minimum calls in the hour before an error rate is judged. Default 100.</summary>
    public long ErrorRateMinimumCalls { get; init; } = 100;

    /// <summary>Minimum rise of the error share over the baseline share, in absolute terms. Default 0.15.</summary>
    public double ErrorRateMinimumIncrease { get; init; } = 0.15;

    /// <summary>Minimum factor of the error share over the baseline share. Default 3.</summary>
    public double ErrorRateMinimumFactor { get; init; } = 3;

    /// <summary>A granted scope unused this long is reported. Default 30 days.</summary>
    public TimeSpan UnusedScopePeriod { get; init; } = TimeSpan.FromDays(30);
}
