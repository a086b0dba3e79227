using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Probes;

/// <summary>
/// A probe is a scan (<see cref="Scan.ArtifactType"/> <c>probe</c>, <see cref="Scan.Target"/> the base URL,
/// no blob: <see cref="Scan.BlobDigest"/> is empty). Which versions are probed, and how a probe scan is asked for.
/// </summary>
public static class ProbeScans
{
    /// <summary><see cref="Scan.ArtifactType"/> of a probe.</summary>
    public const string ArtifactType = "probe";

    /// <summary>A probe scan has no blob; this is its <see cref="Scan.BlobDigest"/>, which no blob store accepts.</summary>
    public const string NoBlob = "";

    /// <summary>How often published web integrations are probed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Web integrations with a reference (their https base URL) are probed.</summary>
    public static bool Applies(App app, AppVersion v)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        return app.Type == AppTypes.WebIntegration && !string.IsNullOrEmpty(v.Reference);
    }

    /// <summary>True for probe scans (which have no blob to read or download).</summary>
    public static bool IsProbe(Scan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return scan.ArtifactType == ArtifactType;
    }

    /// <summary>The scan request for probing <paramref name="v"/>'s reference.</summary>
    public static ScanRequest Request(App app, AppVersion v, string purpose)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var reference = v.Reference ?? throw new InvalidOperationException($"version {v.Id} has no reference to probe");
        return new ScanRequest(app.OrganizationId, v.SubmittedBy ?? "system", NoBlob, 0, reference.Length <= 255 ? reference : reference[..255],
            ArtifactType, purpose, v.Id, v.PolicyVersion, reference);
    }

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
