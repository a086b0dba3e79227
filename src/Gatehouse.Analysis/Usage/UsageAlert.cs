namespace Gatehouse.Analysis.Usage;

/// <summary>One detector's finding about one app.</summary>
/// <param name="DetectorId">The detector's stable id (<c>usage.volume-spike</c>).</param>
/// <param name="DetectorVersion">The detector's version, recorded so a changed threshold can be told apart later.</param>
/// <param name="AppId">The app.</param>
/// <param name="InstallationId">The installation most involved, when one stands out; otherwise <see langword="null"/>.</param>
/// <param name="Severity">How urgent.</param>
/// <param name="Score">The detector's score (a robust z-score, a ratio or a count; see docs/usage-detectors.md).</param>
/// <param name="Explanation">A sentence for the reviewer.</param>
/// <param name="Evidence">The window and the observed value against the baseline.</param>
public sealed record UsageAlert(
    string DetectorId,
    string DetectorVersion,
    string AppId,
    string? InstallationId,
    UsageSeverity Severity,
    double Score,
    string Explanation,
    UsageEvidence Evidence);
