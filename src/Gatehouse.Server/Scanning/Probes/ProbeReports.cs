using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>
/// A probe is a scan (<see cref="Scan.ArtifactType"/> <c>probe</c>, <see cref="ScanKind.Probe"/>, <see cref="Scan.Target"/>
/// the base URL, no blob: <see cref="Scan.BlobDigest"/> is empty), and its report is the endpoint probe's.
/// Which versions are probed is the versions' business (<c>Apps/VersionProbes</c>).
/// </summary>
internal static class ProbeReports
{
    /// <summary><see cref="Scan.ArtifactType"/> of a probe.</summary>
    public const string ArtifactType = "probe";

    /// <summary>A probe scan has no blob; this is its <see cref="Scan.BlobDigest"/>, which no blob store accepts.</summary>
    public const string NoBlob = "";

    /// <summary>The stored probe report (<see cref="Scan.ReportJson"/>, as <c>gatehouse probe --format json</c> prints it).</summary>
    public static ProbeReport? ReadReport(string json) => JsonSerializer.Deserialize<ProbeReport>(json, ReportJson.Options);

    /// <summary>The probe's report in the engine's report shape, so SARIF comes from the one writer (as in <c>gatehouse probe --format sarif</c>).</summary>
    public static ScanReport AsScanReport(ProbeReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(ScanReport.CurrentSchemaVersion, "gatehouse", ScanPipeline.ToolVersion, new ArtifactInfo(r.Target, "", 0, "web", null),
            r.Verdict, r.Reasons, r.Findings,
            [new AnalyzerRun(ProbeRules.AnalyzerId, r.ProbeVersion, r.Verdict == Verdict.Incomplete ? "incomplete" : "ok")],
            new ScanStats(0, 0, 0, r.DurationMs, r.Findings.GroupBy(f => f.Severity.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count())));
    }
}
