namespace Gatehouse.Analysis.Usage;

/// <summary>The window an alert is about and what was seen in it against what was expected.</summary>
/// <param name="From">Start of the evaluated window (inclusive).</param>
/// <param name="To">End of the evaluated window (exclusive).</param>
/// <param name="Metric">What was measured (<c>calls/hour</c>, <c>401/hour</c>, ...).</param>
/// <param name="Observed">The value in the window.</param>
/// <param name="Baseline">The value expected from the app's own history, or the fixed threshold when the detector has no baseline.</param>
public sealed record UsageEvidence(DateTimeOffset From, DateTimeOffset To, string Metric, double Observed, double Baseline);
