using System.Security.Claims;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Who may read what belongs to a version (its SBOM, its signatures): the vendor organisation's members and staff, for any
/// version; a customer, for a published version of an app that a tenant they administer has installed (an active
/// installation: the entitlement of a download URL). Everyone else, and every version the caller may not see, gets 404, so
/// the answer never tells which apps or versions exist.
/// </summary>
internal sealed class VersionReaders(AppAccess access, GatehouseDb db)
{
    /// <summary>The app and version when <paramref name="user"/> may read them; otherwise a 404 refusal.</summary>
    public async Task<Outcome<(App App, AppVersion Version)>> FindAsync(ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var a = await access.FindAsync(user, app, ct);
        var vendorSide = a is not null;
        a ??= await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == app, ct);
        if (a is null) return Refusal.NotFound("Version");
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == a.Id && x.Version == version, ct);
        if (v is null) return Refusal.NotFound("Version");
        if (!vendorSide && !(v.State == VersionStates.Published && await EntitledAsync(user.Id(), a.Id, ct))) return Refusal.NotFound("Version");
        return (a, v);
    }

    /// <summary>A tenant the user administers has the app installed (not uninstalled).</summary>
    private Task<bool> EntitledAsync(string userId, Guid appId, CancellationToken ct) =>
        (from i in db.Set<Installation>()
         join t in db.Set<TenantAdmin>() on i.TenantId equals t.TenantId
         where t.UserId == userId && i.AppId == appId && i.UninstalledAt == null
         select i.Id).AnyAsync(ct);
}
