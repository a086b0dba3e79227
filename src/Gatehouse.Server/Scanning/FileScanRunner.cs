using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Runs the analysis engine (the same <see cref="AnalyzerCatalog"/> as <c>gatehouse check</c>) over an uploaded
/// artifact: copies the blob into a private folder of its own (<see cref="ScratchSpace"/>: 0700 under the data folder,
/// files 0600; the engine extracts members and spills there too), scans it under the scan's policy
/// (<see cref="ScanPolicies"/>), matching its packages against the server's advisories when it has a store
/// (<see cref="IAdvisorySource"/>), writes the SBOM of what it found (<see cref="ScanSboms"/>), compares it with the
/// vendor's SBOM when there is one (<see cref="UndeclaredPackages"/>), stores the report and the SBOM together
/// (<see cref="ScanResults"/>), and deletes the folder however the scan ends (a killed process's folder is swept at the
/// next start).
/// </summary>
internal sealed class FileScanRunner(
    IBlobStore blobs, IOptions<ScanningOptions> options, ScanPolicies policies, ScanResults results, TimeProvider time, EngineHandles engines,
    ScratchSpace scratch, ScanSboms sboms, IEnumerable<IAdvisorySource> advisories) : IScanRunner
{
    public ScanKind Kind => ScanKind.File;

    public Task RunAsync(Scan scan, CancellationToken ct) => RunAsync(scan, null, ct);

    /// <summary>
    /// Scans <paramref name="scan"/>'s blob as <see cref="RunAsync(Scan, CancellationToken)"/> does; a kind that adds to the
    /// engine's report (the image scan's smoke test, <see cref="Images.ImageScanRunner"/>) does so in
    /// <paramref name="amend"/>, which sees the private copy of the artifact, before the SBOM and the results are stored; a
    /// kind that needs more of the engine (the chart scan's Helm, <see cref="Charts.ChartScanRunner"/>) sets it in
    /// <paramref name="engine"/>.
    /// </summary>
    internal async Task RunAsync(Scan scan, ReportAmendment? amend, CancellationToken ct, Func<EngineSettings, EngineSettings>? engine = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        using var folder = scratch.CreateFolder($"scan-{scan.Id:N}");
        var artifact = folder.File("artifact");
        await using (var source = await blobs.OpenReadAsync(scan.BlobDigest, ct)
            ?? throw new InvalidOperationException($"blob {scan.BlobDigest} of scan {scan.Id} is missing"))
        await using (var target = new FileStream(artifact, PrivateFolders.CreateNew(FileAccess.Write)))
        {
            await source.CopyToAsync(target, ct);
        }

        var policy = await policies.ForAsync(scan, ct);
        var store = advisories.FirstOrDefault();
        var settings = new EngineSettings { ClamdEndpoint = options.Value.ClamdEndpoint, TempDirectory = folder.Path, Advisories = store };
        if (engine is not null) settings = engine(settings);
        var pipeline = AnalyzerCatalog.CreatePipeline(engines, settings, policy, time);
        var report = await pipeline.ScanAsync(artifact, scan.FileName, scan.ArtifactType, null, ct);
        if (scan.DeclaredSbomBlob is { } declared) report = await CompareAsync(report, declared, policy, ct);
        if (amend is not null) report = await amend(report, artifact, folder, policy, ct);

        // The SBOM goes into the blob store first (content-addressed: a retry writes the same blob), then the scan row
        // names it in the same save as the results, so a stored scan always has the SBOM of the run it reports.
        // Packages only: the vulnerabilities are the scan's findings (the engine matched them), and the SBOM is re-matched
        // after every import anyway, so a vulnerabilities section would only be a stale copy.
        var sbom = await sboms.WriteAsync(scan, report.Packages, null, ct);
        await results.StoreAsync(scan, report.Verdict, report.Findings, ReportJson.Serialize(report),
            [new("digest", scan.BlobDigest), new("packages", report.Packages.Count), .. ImageAudit(report)], sbom.Digest, ct);
    }

    /// <summary>What the audit entry adds for a container image: its manifest digest and the smoke test's outcome.</summary>
    private static IEnumerable<KeyValuePair<string, object?>> ImageAudit(ScanReport report)
    {
        if (report.Image is { } image) yield return new("manifestDigest", image.ManifestDigest);
        if (report.Smoke is { } smoke) yield return new("smoke", smoke.Status);
    }

    /// <summary>
    /// The vendor's SBOM against what the engine found: packages it leaves out become findings, and the verdict is decided
    /// again over all of them (an incomplete scan stays incomplete). An SBOM that cannot be read any more makes the scan
    /// incomplete (fail closed), never a pass.
    /// </summary>
    private async Task<ScanReport> CompareAsync(ScanReport report, string declaredDigest, Policy policy, CancellationToken ct)
    {
        var declared = await sboms.ReadAsync(declaredDigest, "vendor-sbom", ct);
        var runs = report.Analyzers.ToList();
        var findings = report.Findings.ToList();
        if (declared is not { Success: true })
            runs.Add(new AnalyzerRun(UndeclaredPackages.AnalyzerId, UndeclaredPackages.Version, "failed",
                declared is null ? $"the vendor's SBOM {declaredDigest} is missing" : $"the vendor's SBOM cannot be read: {declared.Error?.Message}"));
        else
        {
            findings.AddRange(UndeclaredPackages.From(SbomComparison.Compare(report.Packages, declared.Packages), policy));
            runs.Add(new AnalyzerRun(UndeclaredPackages.AnalyzerId, UndeclaredPackages.Version, "ok"));
        }
        var (verdict, reasons) = report.Verdict == Verdict.Incomplete
            ? (Verdict.Incomplete, report.Reasons.Concat(runs.Where(r => r.Status != "ok" && r.Id == UndeclaredPackages.AnalyzerId).Select(r => $"analyzer {r.Id} {r.Status}: {r.Error}")).ToList())
            : VerdictRules.Decide(findings, runs, policy);
        var bySeverity = ScanStats.CountBySeverity(findings);
        return report with { Verdict = verdict, Reasons = reasons, Findings = findings, Analyzers = runs, Stats = report.Stats with { FindingsBySeverity = bySeverity } };
    }
}

/// <summary>Adds to an engine report before it is stored: sees the private copy of the artifact, its scratch folder and the scan's policy.</summary>
internal delegate Task<ScanReport> ReportAmendment(ScanReport report, string artifactPath, ScratchFolder folder, Policy policy, CancellationToken ct);
