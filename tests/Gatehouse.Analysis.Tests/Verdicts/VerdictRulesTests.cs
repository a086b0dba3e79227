using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Verdicts;

/// <summary>The one verdict rule, including what approved suppressions may and may not change.</summary>
public sealed class VerdictRulesTests
{
    private static readonly AnalyzerRun Ok = new("secrets", "1", "ok");

    private static Finding F(Severity severity, string fingerprint, string rule = "test.rule") =>
        new(rule, severity, "a/b.txt", "m", fingerprint);

    private static HashSet<string> Suppressed(params string[] fingerprints) => [.. fingerprints];

    [Fact]
    public void An_unsuppressed_blocking_finding_rejects()
    {
        var (verdict, reasons) = VerdictRules.Decide([F(Severity.High, "fp-1")], [Ok], Policy.Default, null, Suppressed("fp-other"));
        Assert.Equal(Verdict.Reject, verdict);
        Assert.Contains(reasons, r => r.Contains("test.rule", StringComparison.Ordinal));
    }

    [Fact]
    public void A_suppressed_blocking_finding_no_longer_blocks()
    {
        var (verdict, _) = VerdictRules.Decide([F(Severity.High, "fp-1"), F(Severity.Low, "fp-2")], [Ok], Policy.Default, null, Suppressed("fp-1"));
        Assert.Equal(Verdict.Pass, verdict);
    }

    [Fact]
    public void Suppressing_the_blocking_finding_leaves_the_review_finding_to_decide()
    {
        var (verdict, _) = VerdictRules.Decide([F(Severity.Critical, "fp-1"), F(Severity.Medium, "fp-2")], [Ok], Policy.Default, null, Suppressed("fp-1"));
        Assert.Equal(Verdict.Review, verdict);
    }

    [Fact]
    public void A_failed_analyzer_makes_it_incomplete_whatever_is_suppressed()
    {
        var failed = new AnalyzerRun("clamav", "1", "failed", "boom");
        var (verdict, reasons) = VerdictRules.Decide([F(Severity.High, "fp-1")], [Ok, failed], Policy.Default, null, Suppressed("fp-1"));
        Assert.Equal(Verdict.Incomplete, verdict);
        Assert.Contains(reasons, r => r.Contains("clamav failed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_required_engine_makes_it_incomplete_whatever_is_suppressed()
    {
        var (verdict, _) = VerdictRules.Decide([], [Ok], Policy.Default, ["clamav"], Suppressed("fp-1"));
        Assert.Equal(Verdict.Incomplete, verdict);
    }

    [Fact]
    public void The_policy_decides_the_thresholds()
    {
        var lenient = Policy.Default with { RejectAt = Severity.Critical, ReviewAt = Severity.High };
        Assert.Equal(Verdict.Review, VerdictRules.Decide([F(Severity.High, "fp-1")], [Ok], lenient).Verdict);
        Assert.Equal(Verdict.Pass, VerdictRules.Decide([F(Severity.Medium, "fp-1")], [Ok], lenient).Verdict);
    }

    [Theory]
    [InlineData(Verdict.Pass)]
    [InlineData(Verdict.Review)]
    [InlineData(Verdict.Reject)]
    public void A_complete_scan_is_judged_again_by_its_unsuppressed_findings(Verdict scanned)
    {
        IReadOnlyList<Finding> findings = [F(Severity.High, "fp-1"), F(Severity.Medium, "fp-2")];
        Assert.Equal(Verdict.Reject, VerdictRules.AfterSuppressions(scanned, findings, Policy.Default, Suppressed()));
        Assert.Equal(Verdict.Review, VerdictRules.AfterSuppressions(scanned, findings, Policy.Default, Suppressed("fp-1")));
        Assert.Equal(Verdict.Pass, VerdictRules.AfterSuppressions(scanned, findings, Policy.Default, Suppressed("fp-1", "fp-2")));
    }

    [Fact]
    public void An_incomplete_scan_stays_incomplete_after_suppressions()
    {
        Assert.Equal(Verdict.Incomplete, VerdictRules.AfterSuppressions(Verdict.Incomplete, [], Policy.Default, Suppressed()));
        Assert.Equal(Verdict.Incomplete, VerdictRules.AfterSuppressions(Verdict.Incomplete, [F(Severity.High, "fp-1")], Policy.Default, Suppressed("fp-1")));
    }
}
