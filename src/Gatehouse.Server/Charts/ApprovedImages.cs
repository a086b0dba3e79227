using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Charts;

/// <summary>
/// The images a chart may reference (issue 18 §3): the manifest digests of container versions that passed review, i.e.
/// approved or published (a quarantined, suspended, delisted or rejected version is not), as recorded on the version
/// (<see cref="AppVersion.ImageManifestDigest"/>: the image it was scanned and reviewed as; the gated registry serves exactly
/// that manifest, docs/registry.md).
/// </summary>
internal sealed class ApprovedImages(GatehouseDb db)
{
    public async Task<IReadOnlySet<string>> DigestsAsync(CancellationToken ct)
    {
        string[] passed = [VersionStates.Approved, VersionStates.Published];
        var digests = await (from v in db.AppVersions.AsNoTracking()
                             from a in db.Apps.AsNoTracking()
                             where a.Id == v.AppId && a.Type == AppTypes.Container && passed.Contains(v.State) && v.ImageManifestDigest != null
                             select v.ImageManifestDigest!).Distinct().ToListAsync(ct);
        return digests.ToHashSet(StringComparer.Ordinal);
    }
}
