using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>The API keys side of the kill switch and of uninstalls (<see cref="IAppKeyRevoker"/>).</summary>
internal sealed class AppKeyRevoker(GatehouseDb db) : IAppKeyRevoker
{
    public async Task<string[]> RevokeAsync(Guid appId, Guid? tenantId, DateTimeOffset now, CancellationToken ct)
    {
        var keys = await db.ApiKeys.Where(k => k.AppId == appId && (tenantId == null || k.TenantId == tenantId) && k.RevokedAt == null).ToListAsync(ct);
        foreach (var k in keys) k.RevokedAt = now;
        return [.. keys.Select(k => k.Id)];
    }
}
