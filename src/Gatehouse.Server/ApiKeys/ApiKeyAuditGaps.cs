using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// The API keys' half of the gap check (<see cref="IAuditGapCheck"/>), against what <see cref="AppApiKeys"/> and the
/// kill switch write: every key has its <c>apikey.created</c> entry, or, when it is a rotation's successor, its
/// predecessor's <c>apikey.rotated</c> entry; every rotated key its <c>apikey.rotated</c> entry; every revoked key its
/// <c>apikey.revoked</c> entry or is listed (<c>apiKeysRevoked</c>) by the kill switch, an uninstall or a lift that revoked it.
/// </summary>
internal sealed class ApiKeyAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Select(k => new { k.Id, k.AppId, k.Name, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.ReplacedBy }).ToListAsync(ct);
        if (keys.Count == 0) return [];
        var created = await AuditGapQueries.SubjectsAsync(db, [AuditActions.ApiKeyCreated], ct);
        var rotated = await AuditGapQueries.SubjectsAsync(db, [AuditActions.ApiKeyRotated], ct);
        var revoked = await AuditGapQueries.SubjectsAsync(db, [AuditActions.ApiKeyRevoked], ct);
        foreach (var (_, data) in await AuditGapQueries.DataAsync(db, [OAuthAuditActions.KillSwitch, OAuthAuditActions.AppUninstalled, OAuthAuditActions.AccessRestored], ct))
            revoked.UnionWith(AuditGapQueries.Strings(data, "apiKeysRevoked"));
        var predecessor = keys.Where(k => k.ReplacedBy is not null).ToDictionary(k => k.ReplacedBy!, k => k.Id, StringComparer.Ordinal);
        var createdAt = keys.ToDictionary(k => k.Id, k => k.CreatedAt, StringComparer.Ordinal);

        var gaps = new List<AuditGap>();
        foreach (var k in keys)
        {
            var what = $"API key '{k.Name}' of app {k.AppId}";
            var announced = created.Contains(k.Id) || (predecessor.TryGetValue(k.Id, out var old) && rotated.Contains(old));
            if (!announced)
                gaps.Add(new AuditGap("apikey.created", k.Id, AuditActions.ApiKeyCreated, k.CreatedAt, $"{what} created by {k.CreatedBy}"));
            if (k.ReplacedBy is not null && !rotated.Contains(k.Id))
                gaps.Add(new AuditGap("apikey.rotated", k.Id, AuditActions.ApiKeyRotated, createdAt.GetValueOrDefault(k.ReplacedBy, k.CreatedAt),
                    $"{what} replaced by {k.ReplacedBy}"));
            if (k.RevokedAt is { } at && !revoked.Contains(k.Id))
                gaps.Add(new AuditGap("apikey.revoked", k.Id, AuditActions.ApiKeyRevoked, at, $"{what} revoked"));
        }
        return gaps;
    }
}
