using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// The evidence vault's half of the gap check (<see cref="IAuditGapCheck"/>): every evidence upload has its
/// <c>evidence.submitted</c> entry and every reviewed item its <c>evidence.verified</c> or <c>evidence.rejected</c> entry
/// (<see cref="EvidenceVault"/>; subject the item's id).
/// </summary>
internal sealed class EvidenceAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var items = await db.EvidenceItems.AsNoTracking()
            .Select(e => new { e.Id, e.OrganizationId, e.Type, e.FileName, e.UploadedAt, e.UploadedBy, e.Status, e.ReviewedAt, e.ReviewedBy })
            .ToListAsync(ct);
        if (items.Count == 0) return [];
        var submitted = await AuditGapQueries.SubjectsAsync(db, [AuditActions.EvidenceSubmitted], ct);
        var reviewed = await AuditGapQueries.SubjectsAsync(db, [AuditActions.EvidenceVerified, AuditActions.EvidenceRejected], ct);
        var gaps = new List<AuditGap>();
        foreach (var e in items)
        {
            var id = e.Id.ToString();
            if (!submitted.Contains(id))
                gaps.Add(new AuditGap("evidence", id, AuditActions.EvidenceSubmitted, e.UploadedAt,
                    $"{e.Type} evidence {e.FileName} of organisation {e.OrganizationId} uploaded by {e.UploadedBy}"));
            if (e.ReviewedAt is { } at && !reviewed.Contains(id))
                gaps.Add(new AuditGap("evidence.decision", id,
                    e.Status == EvidenceStatus.Rejected ? AuditActions.EvidenceRejected : AuditActions.EvidenceVerified, at,
                    $"{e.Type} evidence {e.FileName} {e.Status} by {e.ReviewedBy}"));
        }
        return gaps;
    }
}
