using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Images.Smoke;

/// <summary>How a smoke result changes a scan's report (the CLI and the server both use <see cref="SmokeVerdicts.Apply"/>).</summary>
public sealed class SmokeVerdictsTests
{
    private static ScanReport Clean(Verdict verdict = Verdict.Pass, params string[] reasons) => new(
        ScanReport.CurrentSchemaVersion, "gatehouse", "test", new ArtifactInfo("app.tar", new string('0', 64), 10, "container", null),
        verdict, reasons, [], [new AnalyzerRun("secrets", "1.0.0", "ok")],
        new ScanStats(1, 10, 0, 5, ScanStats.CountBySeverity([])));

    private static SmokeResult Result(string status, int? exit = null) => new(status, "default-command", exit, "log", "the default command exited with code 1", 42);

    [Fact]
    public void Passed_keeps_the_verdict_and_stores_the_result()
    {
        var r = SmokeVerdicts.Apply(Clean(), Result(SmokeResult.Passed), Policy.Default);
        Assert.Equal(Verdict.Pass, r.Verdict);
        Assert.Equal(SmokeResult.Passed, r.Smoke!.Status);
        Assert.Contains(r.Analyzers, a => a.Id == SmokeVerdicts.AnalyzerId && a.Status == "ok");
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Failed_is_a_high_finding_that_rejects()
    {
        var r = SmokeVerdicts.Apply(Clean(), Result(SmokeResult.Failed, 1), Policy.Default);
        Assert.Equal(Verdict.Reject, r.Verdict);
        var f = Assert.Single(r.Findings);
        Assert.Equal("image.smoke-failed", f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("GH-CTR-5", f.RequirementId);
        Assert.Equal("exit code 1", f.Evidence);
        Assert.Equal(1, r.Stats.FindingsBySeverity["high"]);
        Assert.Contains(r.Reasons, x => x.Contains("image.smoke-failed", StringComparison.Ordinal));
    }

    [Fact]
    public void Incomplete_is_never_a_pass()
    {
        var r = SmokeVerdicts.Apply(Clean(), SmokeVerdicts.NotRun("runc was not found"), Policy.Default);
        Assert.Equal(Verdict.Incomplete, r.Verdict);
        Assert.Contains(r.Reasons, x => x.Contains("runc was not found", StringComparison.Ordinal));
        Assert.Contains(r.Analyzers, a => a.Id == SmokeVerdicts.AnalyzerId && a.Status == "failed");
    }

    [Fact]
    public void A_second_result_replaces_the_first()
    {
        var failed = SmokeVerdicts.Apply(Clean(), Result(SmokeResult.Failed, 1), Policy.Default);
        var incomplete = SmokeVerdicts.Apply(failed, SmokeVerdicts.NotRun("no runc"), Policy.Default);
        Assert.Empty(incomplete.Findings);
        var passed = SmokeVerdicts.Apply(incomplete, Result(SmokeResult.Passed), Policy.Default);
        Assert.Equal(Verdict.Pass, passed.Verdict);
        Assert.Single(passed.Analyzers, a => a.Id == SmokeVerdicts.AnalyzerId);
    }

    [Fact]
    public void A_report_incomplete_for_another_reason_stays_incomplete()
    {
        var r = SmokeVerdicts.Apply(Clean(Verdict.Incomplete, "required engine clamav is not configured"), Result(SmokeResult.Passed), Policy.Default);
        Assert.Equal(Verdict.Incomplete, r.Verdict);
        Assert.Contains("required engine clamav is not configured", r.Reasons);
    }

    [Fact]
    public void Policy_can_change_the_severity()
    {
        var policy = Policy.Default with { SeverityOverrides = new Dictionary<string, Severity> { ["image.smoke-failed"] = Severity.Medium } };
        var r = SmokeVerdicts.Apply(Clean(), Result(SmokeResult.Failed, 1), policy);
        Assert.Equal(Verdict.Review, r.Verdict);
    }
}
