using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The platform keys' half of the gap check (<see cref="IAuditGapCheck"/>): every signing key has its
/// <c>signing.key-created</c> entry and, once retired, its <c>signing.key-retired</c> entry (both with the kid as subject;
/// <see cref="PlatformKeys"/> and <see cref="PlatformKeyRing"/> write them in the same unit of work as the key).
/// </summary>
internal sealed class SigningKeyAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var keys = await db.Set<SigningKey>().AsNoTracking().Select(k => new { k.Id, k.CreatedAt, k.CreatedBy, k.RetiredAt }).ToListAsync(ct);
        if (keys.Count == 0) return [];
        var created = await AuditGapQueries.SubjectsAsync(db, [SigningAuditActions.KeyCreated], ct);
        var retired = await AuditGapQueries.SubjectsAsync(db, [SigningAuditActions.KeyRetired], ct);
        var gaps = new List<AuditGap>();
        foreach (var k in keys)
        {
            if (!created.Contains(k.Id))
                gaps.Add(new AuditGap("signing.key-created", k.Id, SigningAuditActions.KeyCreated, k.CreatedAt, $"platform signing key {k.Id} created by {k.CreatedBy}"));
            if (k.RetiredAt is { } at && !retired.Contains(k.Id))
                gaps.Add(new AuditGap("signing.key-retired", k.Id, SigningAuditActions.KeyRetired, at, $"platform signing key {k.Id} retired"));
        }
        return gaps;
    }
}
