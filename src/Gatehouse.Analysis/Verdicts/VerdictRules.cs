using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Verdicts;

/// <summary>
/// Turns findings and analyzer outcomes into a verdict. Fail closed: any analyzer that failed or
/// whose engine the policy requires was unavailable makes the verdict <see cref="Verdict.Incomplete"/>,
/// whatever the findings say. The one place a verdict is decided: the pipeline, the endpoint probe and the
/// server (a version's verdict after its approved suppressions) all come here.
/// </summary>
public static class VerdictRules
{
    /// <param name="suppressedFingerprints">
    /// Fingerprints of findings a reviewer has accepted (approved, unexpired suppressions): they no longer count
    /// towards review or reject. They never make an incomplete verdict complete.
    /// </param>
    public static (Verdict Verdict, IReadOnlyList<string> Reasons) Decide(
        IReadOnlyList<Finding> findings, IReadOnlyList<AnalyzerRun> runs, Policy policy, IReadOnlyList<string>? missingEngines = null,
        IReadOnlySet<string>? suppressedFingerprints = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(policy);
        var reasons = new List<string>();
        foreach (var r in runs.Where(r => r.Status != "ok"))
            reasons.Add($"analyzer {r.Id} {r.Status}: {r.Error}");
        foreach (var e in missingEngines ?? [])
            reasons.Add($"required engine {e} is not configured");
        if (reasons.Count > 0) return (Verdict.Incomplete, reasons);

        if (suppressedFingerprints is { Count: > 0 })
            findings = findings.Where(f => !suppressedFingerprints.Contains(f.Fingerprint)).ToList();

        var reject = findings.Where(f => f.Severity >= policy.RejectAt).ToList();
        if (reject.Count > 0)
        {
            reasons.AddRange(reject.GroupBy(f => f.RuleId).Select(g => $"{g.Count()} × {g.Key} ({g.Max(f => f.Severity).ToString().ToLowerInvariant()})"));
            return (Verdict.Reject, reasons);
        }
        var review = findings.Where(f => f.Severity >= policy.ReviewAt).ToList();
        if (review.Count > 0)
        {
            reasons.AddRange(review.GroupBy(f => f.RuleId).Select(g => $"{g.Count()} × {g.Key} ({g.Max(f => f.Severity).ToString().ToLowerInvariant()})"));
            return (Verdict.Review, reasons);
        }
        return (Verdict.Pass, reasons);
    }

    /// <summary>
    /// A finished scan judged again after suppressions, as a version's verdict is: the scan's completeness is the
    /// scan's (a scan that ended <see cref="Verdict.Incomplete"/> stays incomplete, whatever is suppressed; its
    /// failed runs are in its report), and its findings are weighed again under <paramref name="policy"/> without
    /// the suppressed ones.
    /// </summary>
    /// <param name="scanned">The verdict the scan itself ended with.</param>
    public static Verdict AfterSuppressions(
        Verdict scanned, IReadOnlyList<Finding> findings, Policy policy, IReadOnlySet<string> suppressedFingerprints)
    {
        ArgumentNullException.ThrowIfNull(suppressedFingerprints);
        IReadOnlyList<AnalyzerRun> runs = scanned == Verdict.Incomplete ? [IncompleteScan()] : [];
        return Decide(findings, runs, policy, null, suppressedFingerprints).Verdict;
    }

    /// <summary>
    /// The run that stands for an earlier scan's incompleteness when its findings are judged again without its own runs
    /// (after suppressions; an SBOM re-match of a scan that was incomplete): <see cref="Decide"/> then answers incomplete.
    /// </summary>
    /// <param name="error">Why, for the reasons; null when the earlier scan's report already says.</param>
    public static AnalyzerRun IncompleteScan(string? error = null) => new("scan", "", "incomplete", error);
}
