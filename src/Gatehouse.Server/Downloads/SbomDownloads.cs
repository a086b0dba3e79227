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
internal sealed class SbomDownloads(VersionReaders readers, GatehouseDb db)
{
    /// <summary>The SBOM's blob digest and the name it is downloaded as, or the refusal.</summary>
    public async Task<Outcome<VersionSbom>> FindAsync(ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        var found = await readers.FindAsync(user, app, version, ct);
        if (found.Refusal is { } refused) return refused;
        var (a, v) = found.Value;
        var sbom = v.CurrentScanId is { } scanId
            ? await db.Scans.AsNoTracking().Where(s => s.Id == scanId).Select(s => s.SbomBlob).FirstOrDefaultAsync(ct)
            : null;
        if (sbom is null) return Refusal.NotFound("SBOM (the version has no finished scan with one yet)");
        return new VersionSbom(a.Id, v.Id, sbom, $"{a.Slug}-{v.Version}.cdx.json");
    }
}
