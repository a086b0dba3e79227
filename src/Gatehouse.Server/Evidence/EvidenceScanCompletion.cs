using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// The engine's file check of an evidence upload has a verdict: <c>pass</c> or <c>review</c> puts the item
/// in front of a reviewer, <c>reject</c> or <c>incomplete</c> blocks it (fail closed: a check that could not
/// run never lets a file through). Idempotent: only an item still <c>scanning</c> moves, with a
/// conditional update in the same transaction as its notification, so a re-delivered scan tells no one twice.
/// </summary>
internal sealed class EvidenceScanCompletion(GatehouseDb db, Notifier notifier, AuditLog audit, ILogger<EvidenceScanCompletion> logger) : IScanCompletion
{
    public string Purpose => ScanPurposes.Evidence;

    public async Task OnCompletedAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.SubjectId is not { } itemId) return;
        var item = await db.EvidenceItems.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Id == itemId && e.OrganizationId == scan.OrganizationId, ct);
        if (item is null)
        {
            logger.LogWarning("Evidence scan {Scan} names evidence {Item}, which does not exist in organisation {Org}", scan.Id, itemId, scan.OrganizationId);
            return;
        }
        if (item.Status != EvidenceStatus.Scanning) return; // told before

        var reviewable = scan.Verdict is Verdict.Pass or Verdict.Review;
        var to = reviewable ? EvidenceStatus.PendingReview : EvidenceStatus.Blocked;
        var reason = reviewable ? null : await ReasonAsync(scan, ct);

        bool moved;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            moved = await db.EvidenceItems.Where(e => e.Id == itemId && e.Status == EvidenceStatus.Scanning)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, to).SetProperty(e => e.ReviewNote, reason), ct) == 1;
            if (moved)
            {
                var data = new { evidenceId = item.Id, organizationId = item.OrganizationId, item.Type, item.Issuer, scanId = scan.Id, verdict = VerdictNames.Of(scan.Verdict), reason };
                if (reviewable) await notifier.QueueForStaffAsync("evidence.submitted", data, ct);
                else await notifier.QueueForOrganizationAsync(item.OrganizationId, "evidence.blocked", data, ct);
                audit.Record(db, new AuditEvent(AuditActions.EvidenceChecked, "system", item.OrganizationId.ToString(), item.Id.ToString(),
                    Data: new { scanId = scan.Id, verdict = VerdictNames.Of(scan.Verdict), status = to }));
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Why the file is blocked, for the organisation: the verdict, the rules that fired, or why the check failed.</summary>
    private async Task<string> ReasonAsync(Scan scan, CancellationToken ct)
    {
        var rules = await db.ScanFindings.AsNoTracking().Where(f => f.ScanId == scan.Id)
            .Select(f => f.RuleId).Distinct().OrderBy(r => r).Take(10).ToListAsync(ct);
        var reason = $"the file check's verdict is {VerdictNames.Of(scan.Verdict ?? Verdict.Incomplete)}";
        if (rules.Count > 0) reason += $" ({string.Join(", ", rules)})";
        if (!string.IsNullOrEmpty(scan.Error)) reason += $": {scan.Error}";
        if (scan.Verdict == Verdict.Incomplete && rules.Count == 0 && string.IsNullOrEmpty(scan.Error))
            reason += ": a required check could not run; upload the file again later";
        return reason.Length > EvidenceVault.MaxNoteLength ? reason[..EvidenceVault.MaxNoteLength] : reason;
    }
}
