using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>How the approved images change a chart scan's report (the server's chart scans and <c>gatehouse check --approved-images</c>).</summary>
public sealed class ChartImageApprovalTests
{
    private static readonly string Approved = "sha256:" + new string('a', 64);
    private static readonly string Other = "sha256:" + new string('b', 64);

    private static ScanReport Report(Verdict verdict = Verdict.Pass, IReadOnlyList<string>? reasons = null, params ChartImageUse[] images) => new(
        ScanReport.CurrentSchemaVersion, "gatehouse", "test", new ArtifactInfo("demo-0.1.0.tgz", new string('0', 64), 10, "helm-chart", null),
        verdict, reasons ?? [], [], [new AnalyzerRun("chart", "1.0.0", "ok")],
        new ScanStats(1, 10, 0, 5, ScanStats.CountBySeverity([])))
    {
        Chart = new ChartSummary("demo", "0.1.0", "1.0", null, "1.35", "v4.1.4", [], images),
    };

    private static ChartImageUse Use(string reference, string? digest, params string[] objects) => new(reference, digest, objects);

    private static readonly HashSet<string> ApprovedSet = [Approved];

    [Fact]
    public void Approved_digests_pass_and_the_run_is_recorded()
    {
        var r = ChartImageApproval.Apply(Report(images: Use("registry.example/app@" + Approved, Approved, "templates/deployment.yaml#Deployment/demo")), ApprovedSet, Policy.Default);
        Assert.Equal(Verdict.Pass, r.Verdict);
        Assert.Empty(r.Findings);
        Assert.Contains(r.Analyzers, a => a.Id == ChartImageApproval.AnalyzerId && a.Status == "ok");
    }

    [Fact]
    public void An_unapproved_digest_is_a_high_finding_naming_where_it_is_used_and_rejects()
    {
        var image = Use("registry.example/app@" + Other, Other, "templates/deployment.yaml#Deployment/demo", "templates/job.yaml#Job/migrate");
        var r = ChartImageApproval.Apply(Report(images: image), ApprovedSet, Policy.Default);
        Assert.Equal(Verdict.Reject, r.Verdict);
        var f = Assert.Single(r.Findings);
        Assert.Equal(("chart.image-not-approved", Severity.High, "GH-HELM-4"), (f.RuleId, f.Severity, f.RequirementId));
        Assert.Equal("demo-0.1.0.tgz!/templates/deployment.yaml#Deployment/demo", f.Path);
        Assert.Contains("templates/job.yaml#Job/migrate", f.Message, StringComparison.Ordinal);
        Assert.Contains("not an image approved", f.Message, StringComparison.Ordinal);
        Assert.Equal(Other, f.Evidence);
        Assert.Equal(1, r.Stats.FindingsBySeverity["high"]);
    }

    [Fact]
    public void A_tag_only_image_says_approval_is_by_digest()
    {
        var r = ChartImageApproval.Apply(Report(images: Use("nginx:1.27", null, "templates/deployment.yaml#Deployment/demo")), ApprovedSet, Policy.Default);
        Assert.Contains("names only a tag; approval is by digest", Assert.Single(r.Findings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_can_override_the_severity()
    {
        var policy = Policy.Default with { SeverityOverrides = new Dictionary<string, Severity> { ["chart.image-not-approved"] = Severity.Medium } };
        var r = ChartImageApproval.Apply(Report(images: Use("nginx:1.27", null)), ApprovedSet, policy);
        Assert.Equal(Severity.Medium, Assert.Single(r.Findings).Severity);
        Assert.Equal(Verdict.Review, r.Verdict);
        Assert.Equal("demo-0.1.0.tgz", r.Findings[0].Path);
    }

    [Fact]
    public void Applying_again_replaces_the_findings_of_the_first_application()
    {
        var first = ChartImageApproval.Apply(Report(images: Use("registry.example/app@" + Other, Other)), ApprovedSet, Policy.Default);
        var second = ChartImageApproval.Apply(first, new HashSet<string> { Approved, Other }, Policy.Default);
        Assert.Empty(second.Findings);
        Assert.Equal(Verdict.Pass, second.Verdict);
        Assert.Single(second.Analyzers, a => a.Id == ChartImageApproval.AnalyzerId);
    }

    [Fact]
    public void A_report_without_a_chart_summary_is_incomplete_never_a_pass()
    {
        var r = ChartImageApproval.Apply(Report() with { Chart = null }, ApprovedSet, Policy.Default);
        Assert.Equal(Verdict.Incomplete, r.Verdict);
        Assert.Contains(r.Analyzers, a => a.Id == ChartImageApproval.AnalyzerId && a.Status == "failed");
    }

    [Fact]
    public void A_report_incomplete_for_another_reason_stays_incomplete()
    {
        var r = ChartImageApproval.Apply(Report(Verdict.Incomplete, ["helm was not found: the rendering checks did not run"]), ApprovedSet, Policy.Default);
        Assert.Equal(Verdict.Incomplete, r.Verdict);
        Assert.Contains("helm was not found: the rendering checks did not run", r.Reasons);
    }
}
