using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Runs the analysis engine (the same <see cref="AnalyzerCatalog"/> as <c>gatehouse check</c>) over an uploaded
/// artifact: copies the blob into a private folder of its own (<see cref="ScratchSpace"/>: 0700 under the data folder,
/// files 0600; the engine extracts members and spills there too), scans it under the scan's policy
/// (<see cref="ScanPolicies"/>), stores the report (<see cref="ScanResults"/>), and deletes the folder however the scan
/// ends (a killed process's folder is swept at the next start). Packages are matched against the server's advisory store
/// (the one <see cref="IAdvisorySource"/> registered, <c>Advisories/AdvisoriesSetup</c>): local, never the network.
/// </summary>
internal sealed class FileScanRunner(
    IBlobStore blobs, IOptions<ScanningOptions> options, ScanPolicies policies, ScanResults results, TimeProvider time, EngineHandles engines,
    ScratchSpace scratch, IEnumerable<IAdvisorySource> advisories) : IScanRunner
{
    public ScanKind Kind => ScanKind.File;

    public async Task RunAsync(Scan scan, CancellationToken ct)
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
        var settings = new EngineSettings
        {
            ClamdEndpoint = options.Value.ClamdEndpoint, TempDirectory = folder.Path, Advisories = advisories.FirstOrDefault(),
        };
        var pipeline = AnalyzerCatalog.CreatePipeline(engines, settings, policy, time);
        var report = await pipeline.ScanAsync(artifact, scan.FileName, scan.ArtifactType, null, ct);
        await results.StoreAsync(scan, report.Verdict, report.Findings, ReportJson.Serialize(report), [new("digest", scan.BlobDigest)], ct);
    }
}
