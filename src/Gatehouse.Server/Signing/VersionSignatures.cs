using System.Security.Claims;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>A version's signatures and the artifact name they are named after.</summary>
internal sealed record VersionSignatureSet(Guid VersionId, string Artifact, IReadOnlyList<ArtifactSignature> Rows);

/// <summary>
/// Who may read a version's signatures through the API (<c>/api/apps/{app}/versions/{version}/signatures</c>): the same
/// people as its SBOM and its download (docs/signing.md): the vendor organisation's members and staff, for any version; a
/// customer, for a published version of an app that a tenant they administer has installed. Everyone else, and every
/// version the caller may not see, gets 404, so the answer never tells which apps or versions exist.
/// </summary>
internal sealed class VersionSignatures(AppAccess access, GatehouseDb db)
{
    public async Task<Outcome<VersionSignatureSet>> FindAsync(ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var a = await access.FindAsync(user, app, ct);
        var vendorSide = a is not null;
        a ??= await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == app, ct);
        if (a is null) return Refusal.NotFound("Version");
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == a.Id && x.Version == version, ct);
        if (v is null) return Refusal.NotFound("Version");
        if (!vendorSide && !(v.State == VersionStates.Published && await EntitledAsync(user.Id(), a.Id, ct))) return Refusal.NotFound("Version");
        return await ForAsync(a, v, ct);
    }

    /// <summary>The signatures of a version the caller was already allowed to see (console pages).</summary>
    public async Task<VersionSignatureSet> ForAsync(App app, AppVersion v, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var rows = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => s.VersionId == v.Id).ToListAsync(ct);
        return new VersionSignatureSet(v.Id, SignatureFiles.ArtifactName(app, v), rows.OrderBy(r => r.Kind, StringComparer.Ordinal).ToList());
    }

    /// <summary>A tenant the user administers has the app installed (not uninstalled): the entitlement of a download URL.</summary>
    private Task<bool> EntitledAsync(string userId, Guid appId, CancellationToken ct) =>
        (from i in db.Set<Installation>()
         join t in db.Set<TenantAdmin>() on i.TenantId equals t.TenantId
         where t.UserId == userId && i.AppId == appId && i.UninstalledAt == null
         select i.Id).AnyAsync(ct);
}
