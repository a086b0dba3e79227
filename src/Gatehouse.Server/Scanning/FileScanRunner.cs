using System.Security.Cryptography;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Runs the analysis engine (the same <see cref="AnalyzerCatalog"/> as <c>gatehouse check</c>) over an uploaded
/// artifact: copies the blob to a private temporary file, scans it under the scan's policy
/// (<see cref="ScanPolicies"/>) and stores the report (<see cref="ScanResults"/>).
/// </summary>
internal sealed class FileScanRunner(
    IBlobStore blobs, IOptions<ScanningOptions> options, ScanPolicies policies, ScanResults results, TimeProvider time, EngineHandles engines) : IScanRunner
{
    public ScanKind Kind => ScanKind.File;

    public async Task RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var temp = Path.Combine(Path.GetTempPath(), $"gatehouse-scan-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        try
        {
            await using (var source = await blobs.OpenReadAsync(scan.BlobDigest, ct)
                ?? throw new InvalidOperationException($"blob {scan.BlobDigest} of scan {scan.Id} is missing"))
            await using (var target = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await source.CopyToAsync(target, ct);
            }

            var policy = await policies.ForAsync(scan, ct);
            var pipeline = AnalyzerCatalog.CreatePipeline(engines, new EngineSettings { ClamdEndpoint = options.Value.ClamdEndpoint }, policy, time);
            var report = await pipeline.ScanAsync(temp, scan.FileName, scan.ArtifactType, null, ct);
            await results.StoreAsync(scan, report.Verdict, report.Findings, ReportJson.Serialize(report), [new("digest", scan.BlobDigest)], ct);
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }
}
