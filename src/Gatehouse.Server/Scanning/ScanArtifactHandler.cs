using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Runs the analysis engine (the same <see cref="AnalyzerCatalog"/> as <c>gatehouse check</c>) over an
/// uploaded artifact and stores the report and its findings. Idempotent: a finished scan is left alone,
/// a re-delivered one is scanned again from the blob and its findings replaced.
/// </summary>
internal sealed class ScanArtifactHandler(
    GatehouseDb db, IBlobStore blobs, IOptions<ScanningOptions> options, TimeProvider time, AuditLog audit,
    Listing.ListingPolicies listing, IEnumerable<IScanCompletion> completions, Probes.ProbeScanRunner probes,
    ILogger<ScanArtifactHandler> logger, EngineHandles engines) : IWorkHandler
{
    public const string KindName = "scan.artifact";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var scanId = JsonDocument.Parse(item.Payload).RootElement.GetProperty("scanId").GetGuid();
        var scan = await db.Scans.FirstOrDefaultAsync(s => s.Id == scanId, ct)
            ?? throw new InvalidOperationException($"scan {scanId} does not exist");
        if (scan.State is ScanState.Done or ScanState.Failed)
        {
            // Finished before, but the owner may not have heard (a crash in between): tell it again.
            await CompleteAsync(scan, ct);
            return scan.Verdict;
        }
        scan.State = ScanState.Running;
        await db.SaveChangesAsync(ct);

        var temp = Path.Combine(Path.GetTempPath(), $"gatehouse-scan-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        try
        {
            // A probe has no blob: it runs the endpoint probe instead of the engine (docs/probe.md).
            var verdict = Probes.ProbeScans.IsProbe(scan) ? await probes.RunAsync(scan, ct) : await ScanAsync(scan, scanId, temp, ct);
            await CompleteAsync(scan, ct);
            return verdict;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && item.Attempts >= item.MaxAttempts)
        {
            // The last attempt: the scan ends failed with an incomplete verdict (never a pass), and says why.
            scan.State = ScanState.Failed;
            scan.Verdict = "incomplete";
            scan.Error = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
            scan.CompletedAt = time.GetUtcNow();
            await db.SaveChangesAsync(CancellationToken.None);
            await audit.AppendAsync(new AuditEvent(AuditActions.ScanCompleted, "system", scan.OrganizationId.ToString(), scan.Id.ToString(),
                Data: new { verdict = "incomplete", error = scan.Error }), CancellationToken.None);
            await CompleteAsync(scan, CancellationToken.None);
            throw;
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    private async Task<string?> ScanAsync(Scan scan, Guid scanId, string temp, CancellationToken ct)
    {
        await using (var source = await blobs.OpenReadAsync(scan.BlobDigest, ct)
            ?? throw new InvalidOperationException($"blob {scan.BlobDigest} of scan {scanId} is missing"))
        await using (var target = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await source.CopyToAsync(target, ct);
        }

        var o = options.Value;
        var policy = await PolicyForAsync(scan, o, ct);
        var pipeline = AnalyzerCatalog.CreatePipeline(engines, new EngineSettings { ClamdEndpoint = o.ClamdEndpoint }, policy, time);
        var report = await pipeline.ScanAsync(temp, scan.FileName, scan.ArtifactType, null, ct);

        await db.ScanFindings.Where(f => f.ScanId == scanId).ExecuteDeleteAsync(ct);
        scan.Findings = report.Findings.Select(f => new ScanFinding
        {
            ScanId = scanId, RuleId = f.RuleId, Severity = f.Severity.ToString().ToLowerInvariant(), Path = f.Path,
            Message = f.Message, Fingerprint = f.Fingerprint, RequirementId = f.RequirementId, AnalyzerId = f.AnalyzerId,
            Evidence = f.Evidence, Line = f.Line,
        }).ToList();
        scan.ReportJson = ReportJson.Serialize(report);
        scan.Verdict = report.Verdict.ToString().ToLowerInvariant();
        scan.State = ScanState.Done;
        scan.CompletedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(new AuditEvent(AuditActions.ScanCompleted, "system", scan.OrganizationId.ToString(), scan.Id.ToString(),
            Data: new { scan.Verdict, findings = report.Findings.Count, digest = scan.BlobDigest }), ct);
        logger.LogInformation("Scan {Scan} of {Digest}: {Verdict} with {Count} findings", scanId, scan.BlobDigest, scan.Verdict, report.Findings.Count);
        return scan.Verdict;
    }

    /// <summary>Version scans are judged by their listing policy's analysis section when it has one.</summary>
    private async Task<Policy> PolicyForAsync(Scan scan, ScanningOptions o, CancellationToken ct)
    {
        if (scan.PolicyVersion is { } v)
        {
            var listed = await listing.GetAsync(v, ct) ?? throw new InvalidOperationException($"listing policy version {v} does not exist");
            if (listed.Policy.Analysis is { } analysis) return analysis;
        }
        return string.IsNullOrWhiteSpace(o.PolicyFile) ? Policy.Default : PolicyFile.Load(o.PolicyFile);
    }

    private async Task CompleteAsync(Scan scan, CancellationToken ct)
    {
        foreach (var completion in completions.Where(c => c.Purpose == scan.Purpose))
            await completion.OnCompletedAsync(scan, ct);
    }
}
