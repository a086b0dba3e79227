using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Verdicts;

/// <summary>
/// Turns findings and analyzer outcomes into a verdict. Fail closed: any analyzer that failed or
/// whose engine the policy requires was unavailable makes the verdict <see cref="Verdict.Incomplete"/>,
/// whatever the findings say.
/// </summary>
public static class VerdictRules
{
    public static (Verdict Verdict, IReadOnlyList<string> Reasons) Decide(
        IReadOnlyList<Finding> findings, IReadOnlyList<AnalyzerRun> runs, Policy policy, IReadOnlyList<string>? missingEngines = null)
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
}
