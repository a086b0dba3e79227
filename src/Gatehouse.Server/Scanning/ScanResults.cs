using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// The one way a finished scan is stored, whatever its kind: its findings (replacing a previous attempt's), its
/// report, its verdict and the <c>scan.completed</c> audit entry.
/// </summary>
internal sealed class ScanResults(GatehouseDb db, AuditLog audit, TimeProvider time, ILogger<ScanResults> logger)
{
    /// <summary>Stores a scan that ran to the end.</summary>
    /// <param name="reportJson">The report as the CLI prints it with <c>--format json</c>.</param>
    /// <param name="auditDetail">What the audit entry says besides the verdict and the number of findings (e.g. the digest or the target), in order.</param>
    public Task StoreAsync(Scan scan, Verdict verdict, IReadOnlyList<Finding> findings, string reportJson,
        IReadOnlyList<KeyValuePair<string, object?>> auditDetail, CancellationToken ct) =>
        StoreAsync(scan, verdict, findings, reportJson, auditDetail, null, ct);

    /// <summary>Stores a scan that ran to the end, with the SBOM of what it found.</summary>
    /// <param name="reportJson">The report as the CLI prints it with <c>--format json</c>.</param>
    /// <param name="auditDetail">What the audit entry says besides the verdict and the number of findings, in order.</param>
    /// <param name="sbomBlob">The SBOM of what the scan found (<see cref="Scan.SbomBlob"/>), already in the blob store; null: none.</param>
    public async Task StoreAsync(Scan scan, Verdict verdict, IReadOnlyList<Finding> findings, string reportJson,
        IReadOnlyList<KeyValuePair<string, object?>> auditDetail, string? sbomBlob, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(auditDetail);
        // One transaction: the previous attempt's findings go, the new ones, the verdict and the audit entry arrive.
        await db.InTransactionAsync(() => StoreInTransactionAsync(scan, verdict, findings, reportJson, auditDetail, sbomBlob, ct), ct);
        logger.LogInformation("Scan {Scan} ({Kind}) of {Subject}: {Verdict} with {Count} findings",
            scan.Id, scan.Kind, scan.Kind == ScanKind.Probe ? scan.Target : scan.BlobDigest, verdict, findings.Count);
    }

    private async Task StoreInTransactionAsync(Scan scan, Verdict verdict, IReadOnlyList<Finding> findings, string reportJson,
        IReadOnlyList<KeyValuePair<string, object?>> auditDetail, string? sbomBlob, CancellationToken ct)
    {
        await db.ScanFindings.Where(f => f.ScanId == scan.Id).ExecuteDeleteAsync(ct);
        scan.Findings = findings.Select(f => new ScanFinding
        {
            ScanId = scan.Id, RuleId = f.RuleId, Severity = f.Severity.ToString().ToLowerInvariant(), Path = f.Path,
            Message = f.Message, Fingerprint = f.Fingerprint, RequirementId = f.RequirementId, AnalyzerId = f.AnalyzerId,
            Evidence = f.Evidence, Line = f.Line,
        }).ToList();
        scan.ReportJson = reportJson;
        scan.SbomBlob = sbomBlob;
        scan.Verdict = verdict;
        scan.State = ScanState.Done;
        scan.CompletedAt = time.GetUtcNow();
        var data = new Dictionary<string, object?> { ["verdict"] = VerdictNames.Of(verdict), ["findings"] = findings.Count };
        foreach (var (key, value) in auditDetail) data[key] = value;
        if (sbomBlob is not null) data["sbom"] = sbomBlob;
        audit.Record(db, new AuditEvent(AuditActions.ScanCompleted, "system", scan.OrganizationId.ToString(), scan.Id.ToString(), Data: data));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Stores a scan whose last attempt threw: failed, with an incomplete verdict (never a pass), and why.
    /// </summary>
    public async Task FailAsync(Scan scan, Exception error)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(error);
        scan.State = ScanState.Failed;
        scan.Verdict = Verdict.Incomplete;
        scan.Error = Clip(error.Message);
        scan.CompletedAt = time.GetUtcNow();
        audit.Record(db, new AuditEvent(AuditActions.ScanCompleted, "system", scan.OrganizationId.ToString(), scan.Id.ToString(),
            Data: new { verdict = VerdictNames.Of(Verdict.Incomplete), error = scan.Error }));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Error texts are stored up to 500 characters.</summary>
    public static string Clip(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Length <= 500 ? s : s[..500];
    }
}
