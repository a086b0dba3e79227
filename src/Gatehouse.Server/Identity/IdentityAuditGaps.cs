using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Identity's half of the gap check (<see cref="IAuditGapCheck"/>): every personal access token has its
/// <c>auth.token.issued</c> entry and, once revoked, an <c>auth.token.revoked</c> entry (its own, or its ancestor's,
/// which lists it under <c>minted</c>: revoking a token revokes what was minted with it, <see cref="TokensApi"/>); every
/// vendor organisation has its <c>org.created</c> entry.
/// </summary>
internal sealed class IdentityAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var gaps = new List<AuditGap>();
        var tokens = await db.PersonalAccessTokens.AsNoTracking()
            .Select(t => new { t.Id, t.UserId, t.Name, t.CreatedAt, t.RevokedAt }).ToListAsync(ct);
        if (tokens.Count > 0)
        {
            var issued = await AuditGapQueries.SubjectsAsync(db, [AuditActions.TokenIssued], ct);
            var revoked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (subject, data) in await AuditGapQueries.DataAsync(db, [AuditActions.TokenRevoked], ct))
            {
                if (subject is not null) revoked.Add(subject);
                revoked.UnionWith(AuditGapQueries.Strings(data, "minted"));
            }
            foreach (var t in tokens)
            {
                if (!issued.Contains(t.Id))
                    gaps.Add(new AuditGap("token.issued", t.Id, AuditActions.TokenIssued, t.CreatedAt, $"personal access token '{t.Name}' of user {t.UserId}"));
                if (t.RevokedAt is { } at && !revoked.Contains(t.Id))
                    gaps.Add(new AuditGap("token.revoked", t.Id, AuditActions.TokenRevoked, at, $"personal access token '{t.Name}' of user {t.UserId} revoked"));
            }
        }

        var created = await AuditGapQueries.SubjectsAsync(db, [AuditActions.OrganizationCreated], ct);
        var orgs = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Name, o.OwnerUserId, o.CreatedAt }).ToListAsync(ct);
        gaps.AddRange(orgs.Where(o => !created.Contains(o.Id.ToString()))
            .Select(o => new AuditGap("org.created", o.Id.ToString(), AuditActions.OrganizationCreated, o.CreatedAt, $"organisation '{o.Name}' owned by {o.OwnerUserId}")));
        return gaps;
    }
}
