using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Advisories;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Continuous monitoring (issue 16, item 6): after an advisory import that changed the store, every published version
/// whose current scan is finished and has an SBOM gets an SBOM re-match (<see cref="ScanKind.Sbom"/>, purpose rescan),
/// which becomes its current scan, in the import's unit of work (the caller saves). No artifact is read again.
/// <see cref="VersionScanOutcome"/> judges the re-match like any rescan (blocking findings quarantine) and tells the vendor
/// and staff about new matches. Idempotent: a version whose current scan has not finished (a re-match started by this
/// import, or any rescan) gets nothing, and neither does one whose current scan is a re-match started after the store's
/// last import (<see cref="AdvisoryStoreStatus.LastImport"/>), so calling it twice for one import starts each re-match once.
/// </summary>
internal sealed class VersionSbomRematch(
    GatehouseDb scoped, VersionWorkflow workflow, AuditLog audit, IEnumerable<IAdvisorySource> advisories, ILogger<VersionSbomRematch> logger)
    : IAdvisoryImportObserver
{
    /// <summary>At most this many versions are re-matched per import (the rest follow at their next rescan or import).</summary>
    public const int MaxVersionsPerImport = 5000;

    public async Task AdvisoriesImportedAsync(GatehouseDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        // The scans are staged through this scope's services: they must land in the caller's unit of work.
        if (!ReferenceEquals(db, scoped)) throw new InvalidOperationException("the import observer must be resolved from the importer's scope");
        var due = await (
            from v in db.AppVersions
            join s in db.Scans on v.CurrentScanId equals s.Id
            where v.State == VersionStates.Published && s.SbomBlob != null && (s.State == ScanState.Done || s.State == ScanState.Failed)
            orderby v.Id
            select new { Version = v, Scan = s }).Take(MaxVersionsPerImport).ToListAsync(ct);
        // Already re-matched since the last import (a second call for the same import, however fast the first one ran).
        var lastImport = advisories.FirstOrDefault()?.Status().LastImport;
        due = due.Where(d => !(d.Scan.Kind == ScanKind.Sbom && lastImport is { } at && d.Scan.CreatedAt >= at)).ToList();
        if (due.Count == 0) return;
        var appIds = due.Select(d => d.Version.AppId).Distinct().ToList();
        var apps = await db.Apps.Where(a => appIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var started = new List<object>(due.Count);
        foreach (var (v, basis) in due.Select(d => (d.Version, d.Scan)))
        {
            var scan = workflow.StageRematch(apps[v.AppId], v, basis);
            started.Add(new { app = apps[v.AppId].Slug, version = v.Version, scan = scan.Id, basedOn = basis.Id });
        }
        // One entry for the lot: the import is one decision, and its entry (advisories.imported) commits with this one.
        audit.Record(db, new AuditEvent(AuditActions.VersionSbomRematchStarted, "system", null, null,
            Data: new { versions = started.Count, scans = started.Take(100) }));
        logger.LogInformation("Advisory import: SBOM re-match of {Count} published versions staged", started.Count);
    }
}
