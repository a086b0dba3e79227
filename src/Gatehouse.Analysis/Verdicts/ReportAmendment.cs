using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Verdicts;

/// <summary>
/// A check that runs after the engine's scan and folds its result into the report (the smoke test of an image, the approval
/// of a chart's images): its findings replace that check's earlier ones, its run replaces its earlier run, and the verdict
/// is decided again by <see cref="VerdictRules"/>. A report that was already incomplete for a reason the runs do not show
/// (a required engine was not configured) stays incomplete.
/// </summary>
public static class ReportAmendment
{
    /// <param name="report">The engine's report.</param>
    /// <param name="findings">Every finding of the amended report: the report's own without the check's old ones, plus the check's.</param>
    /// <param name="run">The check's run (<c>ok</c>, or <c>failed</c> with the reason when it could not decide).</param>
    /// <param name="policy">The policy the scan was judged by.</param>
    public static ScanReport Apply(ScanReport report, IEnumerable<Finding> findings, AnalyzerRun run, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(policy);
        var runs = report.Analyzers.Where(r => r.Id != run.Id).ToList();
        runs.Add(run);

        var ordered = ScanReport.Order(findings);
        var (verdict, reasons) = VerdictRules.Decide(ordered, runs, policy);
        var ownReason = $"analyzer {run.Id} ";
        var otherReasons = report.Verdict == Verdict.Incomplete
            ? report.Reasons.Where(r => !r.StartsWith(ownReason, StringComparison.Ordinal)).ToList()
            : [];
        if (otherReasons.Count > 0 && report.Analyzers.Where(r => r.Id != run.Id).All(r => r.Status == "ok"))
        {
            reasons = [.. otherReasons, .. verdict == Verdict.Incomplete ? reasons.Where(r => r.StartsWith(ownReason, StringComparison.Ordinal)) : []];
            verdict = Verdict.Incomplete;
        }
        return report with
        {
            Findings = ordered,
            Analyzers = runs,
            Verdict = verdict,
            Reasons = reasons,
            Stats = report.Stats with { FindingsBySeverity = ScanStats.CountBySeverity(ordered) },
        };
    }
}
