using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The lifecycle's clock, run by the reconciler every pass (an <see cref="IReconcilerStep"/>): retries incomplete submission scans whose
/// back-off has passed, rescans published versions whose cadence is due, and probes published web
/// integrations daily. Claims each version with
/// its concurrency token, so two workers never start the same scan twice.
/// </summary>
internal sealed class LifecycleTicker(GatehouseDb db, VersionWorkflow workflow, TimeProvider time, ILogger<LifecycleTicker> logger) : IReconcilerStep
{
    public string Name => "lifecycle";

    Task IReconcilerStep.RunAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>One pass; returns how many scans it started.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var started = 0;
        var retries = await db.AppVersions.AsNoTracking().Where(v => v.State == VersionStates.Scanning && v.NextScanAttemptAt <= now)
            .OrderBy(v => v.NextScanAttemptAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        foreach (var id in retries)
            if (await StartAsync(id, v => v.State == VersionStates.Scanning && v.NextScanAttemptAt <= now, ScanPurposes.Submission,
                    v => v.NextScanAttemptAt = null, ct)) started++;

        var due = await db.AppVersions.AsNoTracking().Where(v => v.State == VersionStates.Published && v.NextRescanAt <= now && v.ArtifactDigest != null)
            .OrderBy(v => v.NextRescanAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        foreach (var id in due)
            if (await StartAsync(id, v => v.State == VersionStates.Published && v.NextRescanAt <= now, ScanPurposes.Rescan,
                    v => v.NextRescanAt = null, ct)) started++;

        // Published web integrations: the daily endpoint probe (docs/probe.md); VersionScanOutcome sets the next one.
        var probes = await db.AppVersions.AsNoTracking().Where(v => v.State == VersionStates.Published && v.NextProbeAt <= now)
            .OrderBy(v => v.NextProbeAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        foreach (var id in probes)
            if (await StartAsync(id, v => v.State == VersionStates.Published && v.NextProbeAt <= now, ScanPurposes.Probe,
                    v => v.NextProbeAt = null, ct)) started++;
        return started;
    }

    /// <summary>
    /// Claims one version (read afresh, still due) and starts its scan: the claim and the scan with its work item are one
    /// save, so a crash never leaves a claimed version without its scan, and the save fails if another worker changed
    /// the version first (its concurrency token).
    /// </summary>
    private async Task<bool> StartAsync(Guid id, Func<AppVersion, bool> stillDue, string purpose, Action<AppVersion> claim, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (v is null || !stillDue(v)) return false;
        var app = await db.Apps.FirstAsync(a => a.Id == v.AppId, ct);
        claim(v);
        v.Revision++;
        var scan = workflow.StageScan(app, v, purpose);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
        logger.LogInformation("Started {Purpose} scan {Scan} of {App} {Version}", purpose, scan.Id, app.Slug, v.Version);
        return true;
    }
}
