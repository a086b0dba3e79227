using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Charts;

/// <summary>
/// What the gated Helm chart repository shows one tenant (docs/helm-repository.md): the published chart versions of the
/// helm-chart apps it gets by THE distribution rule (<see cref="TenantEntitlement"/>: installed, published, access not
/// suspended), asked on every request, so an uninstall or a quarantine takes effect on the next one. A quarantined,
/// suspended or delisted version is not published and is never listed.
/// </summary>
internal sealed class ChartRepository(GatehouseDb db, TenantEntitlement entitlement, ChartIdentities identities)
{
    /// <summary>Every chart version the tenant gets now.</summary>
    public async Task<List<ChartEntry>> EntriesAsync(Guid tenantId, CancellationToken ct)
    {
        var apps = await entitlement.EntitledAppsAsync(tenantId, AppTypes.HelmChart, ct);
        if (apps.Count == 0) return [];
        var rows = await (from v in db.AppVersions.AsNoTracking()
                          from a in db.Apps.AsNoTracking()
                          where a.Id == v.AppId && apps.Contains(a.Id) && v.State == VersionStates.Published && v.ArtifactDigest != null
                          select new Row(a.Id, a.Slug, a.Name, v.Id, v.Version, v.ArtifactDigest!, v.CurrentScanId, v.PublishedAt, v.UpdatedAt)).ToListAsync(ct);
        return await ToEntriesAsync(rows, ct);
    }

    /// <summary>
    /// The chart version behind a download URL, when the tenant gets it now and <paramref name="fileName"/> is its file's
    /// name; null otherwise (the caller answers 404 whatever the reason, so nobody learns which charts exist).
    /// </summary>
    public async Task<ChartEntry?> FindAsync(Guid tenantId, Guid versionId, string fileName, CancellationToken ct)
    {
        var row = await (from v in db.AppVersions.AsNoTracking()
                         from a in db.Apps.AsNoTracking()
                         where v.Id == versionId && a.Id == v.AppId && a.Type == AppTypes.HelmChart && v.State == VersionStates.Published && v.ArtifactDigest != null
                         select new Row(a.Id, a.Slug, a.Name, v.Id, v.Version, v.ArtifactDigest!, v.CurrentScanId, v.PublishedAt, v.UpdatedAt)).FirstOrDefaultAsync(ct);
        if (row is null || !await entitlement.IsEntitledAsync(tenantId, row.AppId, ct)) return null;
        var entry = (await ToEntriesAsync([row], ct)).SingleOrDefault();
        return entry is not null && string.Equals(entry.FileName, fileName, StringComparison.Ordinal) ? entry : null;
    }

    private sealed record Row(Guid AppId, string Slug, string AppName, Guid VersionId, string Version, string Digest, Guid? ScanId,
        DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt);

    private async Task<List<ChartEntry>> ToEntriesAsync(List<Row> rows, CancellationToken ct)
    {
        var scans = rows.Where(r => r.ScanId is not null).Select(r => r.ScanId!.Value).ToList();
        var charts = await identities.ForScansAsync(db, scans, ct);
        var entries = new List<ChartEntry>(rows.Count);
        foreach (var r in rows)
        {
            if (!BlobDigest.IsValid(r.Digest)) continue;
            // The scan's Chart.yaml identity; a report without one (an engine that did not read the chart) falls back to the
            // app and the version as Gatehouse knows them.
            var chart = r.ScanId is { } s && charts.TryGetValue(s, out var c) ? c : new ChartIdentity(r.Slug, r.Version, null);
            entries.Add(new ChartEntry(r.AppId, r.Slug, r.VersionId, chart, r.AppName, r.Digest[BlobDigest.Prefix.Length..], r.PublishedAt ?? r.UpdatedAt));
        }
        return entries;
    }
}
