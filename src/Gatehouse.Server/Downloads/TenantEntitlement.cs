using Gatehouse.Server.Apps;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// THE rule of which apps' files a tenant gets through the machine channels (the gated registry, the Helm chart repository):
/// the signed downloads' rule (<see cref="DownloadIssuer"/>: the tenant has the app installed, an active installation, and
/// the app is published) plus the kill switch (<see cref="AppAccessGate.RefusalAsync(Guid, CancellationToken)"/>: a
/// quarantined or suspended version suspends the whole app until staff lift it). Asked on every request, so an uninstall
/// or a quarantine takes effect on the next one.
/// </summary>
internal sealed class TenantEntitlement(Data.GatehouseDb db, AppAccessGate gate)
{
    /// <summary>True when <paramref name="tenantId"/> gets <paramref name="appId"/>'s published files now.</summary>
    public async Task<bool> IsEntitledAsync(Guid tenantId, Guid appId, CancellationToken ct) =>
        await db.Set<Installation>().AnyAsync(i => i.TenantId == tenantId && i.AppId == appId && i.UninstalledAt == null, ct)
        && await gate.RefusalAsync(appId, ct) is null;

    /// <summary>The apps of <paramref name="type"/> (<see cref="AppTypes"/>) the tenant gets now, by <see cref="IsEntitledAsync"/>.</summary>
    public async Task<List<Guid>> EntitledAppsAsync(Guid tenantId, string type, CancellationToken ct)
    {
        var installed = await (from i in db.Set<Installation>().AsNoTracking()
                               from a in db.Apps.AsNoTracking()
                               where a.Id == i.AppId && i.TenantId == tenantId && i.UninstalledAt == null && a.Type == type
                               select a.Id).Distinct().ToListAsync(ct);
        var entitled = new List<Guid>(installed.Count);
        foreach (var app in installed)
            if (await gate.RefusalAsync(app, ct) is null) entitled.Add(app);
        return entitled;
    }
}
