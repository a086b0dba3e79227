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
    /// <summary>The analyzer run that stands for the approval check in <see cref="ScanReport.Analyzers"/>.</summary>
    public const string AnalyzerId = "chart.image-approval";
    public const string AnalyzerVersion = "1.0.0";

    public static RuleDescriptor Rule { get; } = new("chart.image-not-approved", "Chart uses an image that is not approved", Severity.High, "GH-HELM-4",
        "A container, init container or ephemeral container of the rendered chart runs an image whose digest is not among the "
        + "images approved in Gatehouse, or names the image by tag only (approval is by digest). Submit the image, have it "
        + "approved, and reference it as registry/repo@sha256:... in the chart's default values.");

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [Rule];

    /// <summary>
    /// The report with a finding for each referenced image whose digest is not in <paramref name="approvedDigests"/>
    /// (<c>sha256:…</c>), and the verdict decided again. Applying it a second time (another approved set) replaces the
    /// first. A report without a chart summary (the chart could not be read) cannot be checked: the run fails, so the
    /// verdict is incomplete, never a pass; a report that was already incomplete for another reason stays incomplete.
    /// </summary>
    public static ScanReport Apply(ScanReport report, IReadOnlySet<string> approvedDigests, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(approvedDigests);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = report.Findings.Where(f => f.RuleId != Rule.Id).ToList();
        var severity = policy.SeverityOverrides.TryGetValue(Rule.Id, out var s) ? s : Rule.DefaultSeverity;
        var root = report.Artifact.Name;
        if (report.Chart is { } chart)
        {
            foreach (var image in chart.Images)
            {
                if (image.Digest is { } digest && approvedDigests.Contains(digest)) continue;
                var where = image.Objects.Count == 0 ? "" : $" (used by {string.Join(", ", image.Objects)})";
                var message = image.Digest is null
                    ? $"image {image.Reference}{where} names only a tag; approval is by digest: reference an approved image as repo@sha256:..."
                    : $"image {image.Reference}{where} is not an image approved in Gatehouse: submit it and have it approved, or use an approved digest";
                var path = image.Objects.Count == 0 ? root : $"{root}!/{image.Objects[0]}";
                findings.Add(new Finding(Rule.Id, severity, path, message, Fingerprints.Of(Rule.Id, root, image.Reference))
                {
                    RequirementId = Rule.RequirementId,
                    AnalyzerId = AnalyzerId,
                    Evidence = image.Digest ?? image.Reference,
                });
            }
        }
        var run = report.Chart is null
            ? new AnalyzerRun(AnalyzerId, AnalyzerVersion, "failed", "the report has no chart summary, so the chart's images are unknown")
            : new AnalyzerRun(AnalyzerId, AnalyzerVersion, "ok");
        return ReportAmendment.Apply(report, findings, run, policy);
    }
}
