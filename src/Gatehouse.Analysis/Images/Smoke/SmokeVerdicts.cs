using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// Folds a smoke test into a scan's report, the same way for <c>gatehouse check --smoke</c> and the server: the report
/// carries the result (<see cref="ScanReport.Smoke"/>), a failed test is an <c>image.smoke-failed</c> finding, a test that
/// could not run is the analyzer run <c>image.smoke</c> failed (so the verdict is incomplete, never a pass), and the verdict
/// is decided again by <see cref="VerdictRules"/>.
/// </summary>
public static class SmokeVerdicts
{
    /// <summary>The analyzer run that stands for the smoke test in <see cref="ScanReport.Analyzers"/>.</summary>
    public const string AnalyzerId = "image.smoke";
    public const string AnalyzerVersion = "1.0.0";

    public static RuleDescriptor Rule { get; } = new("image.smoke-failed", "Container image failed its smoke test", Severity.High, "GH-CTR-5",
        "The image was started with runc (read-only root, loopback-only network, memory/CPU/pid limits) and its default command exited "
        + "with an error, or the declared health command, HTTP endpoint or HEALTHCHECK did not pass in time.");

    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [Rule];

    /// <summary>A result for a smoke test that was asked for but could not be run at all (e.g. no runner configured).</summary>
    public static SmokeResult NotRun(string reason, string check = "default-command") =>
        new(SmokeResult.Incomplete, check, null, "", reason, 0);

    /// <summary>
    /// <paramref name="report"/> with <paramref name="result"/> folded in. Applying a second result replaces the first
    /// (its finding and run). A report that was already incomplete for another reason stays incomplete.
    /// </summary>
    public static ScanReport Apply(ScanReport report, SmokeResult result, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = report.Findings.Where(f => f.RuleId != Rule.Id).ToList();
        if (result.Status == SmokeResult.Failed)
        {
            var severity = policy.SeverityOverrides.TryGetValue(Rule.Id, out var s) ? s : Rule.DefaultSeverity;
            var path = report.Artifact.Name;
            findings.Add(new Finding(Rule.Id, severity, path, $"smoke test failed ({result.Check}): {result.Reason}", Fingerprints.Of(Rule.Id, path, result.Check))
            {
                RequirementId = Rule.RequirementId,
                AnalyzerId = AnalyzerId,
                Evidence = result.ExitCode is { } code ? $"exit code {code}" : null,
            });
        }
        var run = result.Status is SmokeResult.Passed or SmokeResult.Failed
            ? new AnalyzerRun(AnalyzerId, AnalyzerVersion, "ok")
            : new AnalyzerRun(AnalyzerId, AnalyzerVersion, "failed", "smoke test incomplete: " + result.Reason);
        return ReportAmendment.Apply(report, findings, run, policy) with { Smoke = result };
    }
}
