using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Re-matches a stored SBOM against the server's advisories (<see cref="ScanKind.Sbom"/>), after an advisory import: the
/// SBOM (<see cref="Scan.BlobDigest"/>, written by an earlier scan of the artifact, <see cref="Scan.BasedOnScanId"/>) is
/// read back into packages and matched; the <c>vuln.*</c> findings are the fresh matches (<see cref="VulnerabilityFindings"/>),
/// every other finding is carried over from the earlier scan, so the re-match is a complete picture of the artifact and
/// can stand as its version's current scan. No artifact is read, the engine is not run and nothing touches the network.
/// The verdict is the engine's (<see cref="VerdictRules"/>) under the scan's policy; an earlier scan that was incomplete
/// keeps the re-match incomplete, and without an advisory store the re-match fails (closed), never passes.
/// </summary>
internal sealed class SbomScanRunner(
    GatehouseDb db, ScanSboms sboms, ScanPolicies policies, ScanResults results, IEnumerable<IAdvisorySource> advisories) : IScanRunner
{
    /// <summary>The <see cref="Scan.ArtifactType"/> of an SBOM re-match.</summary>
    public const string ArtifactType = "sbom";

    /// <summary>The analyzer ID recorded in the re-match's report.</summary>
    public const string AnalyzerId = "sbom-rematch";

    /// <summary>Prefix of the rules the re-match replaces (the vulnerability matches); everything else is carried over.</summary>
    public const string VulnerabilityRulePrefix = "vuln.";

    public ScanKind Kind => ScanKind.Sbom;

    public async Task RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var store = advisories.FirstOrDefault() ?? throw new InvalidOperationException("the server has no advisory store to match against");
        var sbom = await sboms.ReadAsync(scan.BlobDigest, scan.FileName, ct)
            ?? throw new InvalidOperationException($"the SBOM {scan.BlobDigest} of scan {scan.Id} is missing");
        if (!sbom.Success) throw new InvalidOperationException($"the SBOM {scan.BlobDigest} cannot be read: {sbom.Error.Message}");
        var basis = scan.BasedOnScanId is { } basedOn
            ? await db.Scans.AsNoTracking().Include(s => s.Findings).FirstOrDefaultAsync(s => s.Id == basedOn, ct)
            : null;

        var matches = store.Match(sbom.Packages, ct);
        var fresh = VulnerabilityFindings.From(matches);
        var carried = (basis?.Findings ?? []).Where(f => !f.RuleId.StartsWith(VulnerabilityRulePrefix, StringComparison.Ordinal)).Select(f => f.ToFinding());
        var findings = ScanReport.Order(carried.Concat(fresh));

        var policy = await policies.ForAsync(scan, ct);
        var runs = new List<AnalyzerRun> { new(AnalyzerId, "1.0.0", "ok") };
        if (basis?.Verdict is Verdict.Incomplete) runs.Add(VerdictRules.IncompleteScan($"the scan {basis.Id} the SBOM came from was incomplete"));
        var (verdict, reasons) = VerdictRules.Decide(findings, runs, policy);
        var bySeverity = ScanStats.CountBySeverity(findings);
        var report = new ScanReport(ScanReport.CurrentSchemaVersion, "gatehouse", ScanPipeline.ToolVersion,
            new ArtifactInfo(scan.FileName, scan.BlobDigest.Replace("sha256:", "", StringComparison.Ordinal), scan.Size, ArtifactType, "application/vnd.cyclonedx+json"),
            verdict, reasons, findings, runs, new ScanStats(0, scan.Size, 0, 0, bySeverity)) { Packages = sbom.Packages };
        // The SBOM is the same document: the re-match's version keeps it as its SBOM.
        await results.StoreAsync(scan, verdict, findings, ReportJson.Serialize(report),
            [new("sbom", scan.BlobDigest), new("basedOn", scan.BasedOnScanId), new("matches", matches.Count)], scan.BlobDigest, ct);
    }
}
