using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Data;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>The scopes of apps' unrevoked API keys, since each key's creation, for the unused-scope detector (<see cref="IUsageGrantSource"/>).</summary>
internal sealed class ApiKeyUsageGrants(GatehouseDb db) : IUsageGrantSource
{
    public async Task<IReadOnlyList<(Guid AppId, GrantedScope Grant)>> GrantsAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(k => appIds.Contains(k.AppId) && k.RevokedAt == null)
            .Select(k => new { k.AppId, k.Scopes, k.CreatedAt }).ToListAsync(ct);
        return [.. keys.SelectMany(k => k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => (k.AppId, new GrantedScope(s, k.CreatedAt))))];
    }
}
