using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Server.Images;

/// <summary>
/// Folds a smoke run into an image scan's report (issue 17): the result is stored as <see cref="ScanReport.Smoke"/>, a
/// failed run is an <c>image.smoke-test</c> finding (requirement GH-CTR-5), and a run that could not happen (no runc,
/// not root, did not start) is an incomplete analyzer run <see cref="AnalyzerId"/>, so the scan is incomplete, never a
/// pass, while the server runs smoke tests (<see cref="ImagesOptions.SmokeTests"/>). The verdict is decided again over
/// everything, as the vendor-SBOM comparison does; an incomplete scan stays incomplete.
/// </summary>
/// <remarks>When the engine's shared helper lands (helper H4's smoke branch), this becomes a call to it.</remarks>
internal static class ImageSmokeFold
{
    public const string AnalyzerId = "image.smoke";
    public const string Version = "1";
    public const string RuleId = "image.smoke-test";
    public const string RequirementId = "GH-CTR-5";

    public static ScanReport Apply(ScanReport report, SmokeResult result, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var runs = report.Analyzers.ToList();
        var findings = report.Findings.ToList();
        switch (result.Status)
        {
            case SmokeResult.Passed:
                runs.Add(new AnalyzerRun(AnalyzerId, Version, "ok"));
                break;
            case SmokeResult.Failed:
                runs.Add(new AnalyzerRun(AnalyzerId, Version, "ok"));
                var path = "smoke:" + result.Check;
                var exit = result.ExitCode is { } code ? $" (exit code {code})" : "";
                findings.Add(new Finding(RuleId, Severity.High, path, $"the smoke test ({result.Check}) failed{exit}: {result.Reason}",
                    Fingerprints.Of(RuleId, path, report.Image?.ManifestDigest ?? report.Artifact.Sha256))
                { RequirementId = RequirementId, AnalyzerId = AnalyzerId });
                break;
            default: // incomplete, or a status this server does not know: never a pass
                runs.Add(new AnalyzerRun(AnalyzerId, Version, "incomplete", $"the smoke test could not run: {result.Reason}"));
                break;
        }
        var ordered = ScanReport.Order(findings);
        var (verdict, reasons) = report.Verdict == Verdict.Incomplete
            ? (Verdict.Incomplete, report.Reasons.Concat(runs.Where(r => r.Id == AnalyzerId && r.Status != "ok").Select(r => $"analyzer {r.Id} {r.Status}: {r.Error}")).ToList())
            : VerdictRules.Decide(ordered, runs, policy);
        return report with
        {
            Verdict = verdict, Reasons = reasons, Findings = ordered, Analyzers = runs, Smoke = result,
            Stats = report.Stats with { FindingsBySeverity = ScanStats.CountBySeverity(ordered) },
        };
    }
}
