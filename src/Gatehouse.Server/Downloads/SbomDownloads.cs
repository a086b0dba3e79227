using System.Security.Claims;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Who may read a version's SBOM (<c>GET /api/apps/{app}/versions/{version}/sbom</c>, docs/sbom.md): the vendor
/// organisation's members and staff, for any version that has one; a customer, for a published version of an app that a
/// tenant they administer has installed (an active installation: the same entitlement as a download URL). Everyone else,
/// and every version the caller may not see, gets 404, so the answer never tells which apps or versions exist.
/// A version's SBOM is the one of its current scan (<see cref="Scan.SbomBlob"/>).
/// </summary>
internal sealed class SbomDownloads(AppAccess access, GatehouseDb db)
{
    /// <summary>The SBOM's blob digest and the name it is downloaded as, or the refusal.</summary>
    public async Task<Outcome<VersionSbom>> FindAsync(ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var a = await access.FindAsync(user, app, ct);
        var vendorSide = a is not null;
        a ??= await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == app, ct);
        if (a is null) return Refusal.NotFound("Version");
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == a.Id && x.Version == version, ct);
        if (v is null) return Refusal.NotFound("Version");
        if (!vendorSide && !(v.State == VersionStates.Published && await EntitledAsync(user.Id(), a.Id, ct))) return Refusal.NotFound("Version");
        var sbom = v.CurrentScanId is { } scanId
            ? await db.Scans.AsNoTracking().Where(s => s.Id == scanId).Select(s => s.SbomBlob).FirstOrDefaultAsync(ct)
            : null;
        if (sbom is null) return Refusal.NotFound("SBOM (the version has no finished scan with one yet)");
        return new VersionSbom(a.Id, v.Id, sbom, $"{a.Slug}-{v.Version}.cdx.json");
    }

    /// <summary>A tenant the user administers has the app installed (not uninstalled).</summary>
    private Task<bool> EntitledAsync(string userId, Guid appId, CancellationToken ct) =>
        (from i in db.Set<Installation>()
         join t in db.Set<TenantAdmin>() on i.TenantId equals t.TenantId
         where t.UserId == userId && i.AppId == appId && i.UninstalledAt == null
         select i.Id).AnyAsync(ct);
}
