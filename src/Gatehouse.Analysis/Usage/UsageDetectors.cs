namespace Gatehouse.Analysis.Usage;

/// <summary>The catalogue: every usage detector, in one list, so the server and tests run the same set.</summary>
public static class UsageDetectors
{
    /// <summary>All detectors with the given thresholds (the defaults when <see langword="null"/>).</summary>
    public static IReadOnlyList<IUsageDetector> All(UsageDetectorOptions? options = null)
    {
        var o = options ?? UsageDetectorOptions.Default;
        return
        [
            new VolumeSpikeDetector(o),
            new AuthFailureBurstDetector(o),
            new ScopeViolationDetector(o),
            new TenantEnumerationDetector(o),
            new BulkExportDetector(o),
            new ErrorRateSpikeDetector(o),
            new UnusedScopesDetector(o),
        ];
    }

    /// <summary>Runs every detector over the window; alerts in catalogue order.</summary>
    public static IReadOnlyList<UsageAlert> DetectAll(IReadOnlyList<IUsageDetector> detectors, UsageWindow window, DateTimeOffset now) =>
        detectors.SelectMany(d => d.Detect(window, now)).ToList();
}
