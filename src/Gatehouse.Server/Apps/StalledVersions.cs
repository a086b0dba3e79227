using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Re-drives versions whose state says they wait for work that will never come (issue 14): a reconciler step, run every
/// pass. Since a submission and its scan commit together this should not happen, but data written by an older
/// release, a scan whose work item was lost or failed without its scan, or a finished scan whose completion was never
/// applied would otherwise leave the version answering 409 to every action forever. A version counts as stalled only
/// when nothing touched it for two reconcile intervals (so a save in flight is never taken for a stall), and each
/// re-drive claims the version with its concurrency token (two workers never re-drive it twice).
/// <list type="bullet">
/// <item><c>submitted</c>: moved on as a submission is (<see cref="VersionWorkflow.StageScanningAsync"/>).</item>
/// <item><c>scanning</c>, not waiting for a retry, whose current scan is missing, or unfinished with no work item
/// that can still run it: a new scan is started, audited as <c>version.redriven</c>.</item>
/// <item><c>scanning</c> whose current scan finished and whose work item is finished too: the completion is applied
/// again (it is idempotent).</item>
/// </list>
/// </summary>
internal sealed class StalledVersions(
    GatehouseDb db, VersionWorkflow workflow, VersionScanOutcome outcome, AuditLog audit, TimeProvider time,
    IOptions<JobsOptions> jobs, ILogger<StalledVersions> logger) : IReconcilerStep
{
    public string Name => "stalled-versions";

    Task IReconcilerStep.RunAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>One pass; returns how many versions it re-drove.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var settled = time.GetUtcNow() - 2 * jobs.Value.ReconcileInterval;
        var redriven = 0;
        var submitted = await db.AppVersions.AsNoTracking()
            .Where(v => v.State == VersionStates.Submitted && v.UpdatedAt < settled).OrderBy(v => v.UpdatedAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        foreach (var id in submitted)
            if (await RedriveAsync(id, VersionStates.Submitted, ct)) redriven++;
        var scanning = await db.AppVersions.AsNoTracking()
            .Where(v => v.State == VersionStates.Scanning && v.NextScanAttemptAt == null && v.UpdatedAt < settled)
            .OrderBy(v => v.UpdatedAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        foreach (var id in scanning)
            if (await RedriveAsync(id, VersionStates.Scanning, ct)) redriven++;
        return redriven;
    }

    private async Task<bool> RedriveAsync(Guid versionId, string state, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == versionId && x.State == state, ct);
        if (v is null) return false;
        var app = await db.Apps.FirstAsync(a => a.Id == v.AppId, ct);
        try
        {
            if (state == VersionStates.Submitted)
            {
                await db.InTransactionAsync(async () =>
                {
                    await workflow.StageScanningAsync(app, v, ct);
                    await db.SaveChangesAsync(ct);
                }, ct);
                logger.LogWarning("Re-drove {App} {Version}: it was submitted but never moved on to its scan", app.Slug, v.Version);
                return true;
            }

            var scan = v.CurrentScanId is { } scanId ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scanId, ct) : null;
            var work = scan?.WorkItemId is { } workId ? await db.WorkItems.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workId, ct) : null;
            var workCanRun = work is { State: WorkState.Pending or WorkState.Running };
            if (scan is { State: ScanState.Done or ScanState.Failed } && !workCanRun)
            {
                // The scan finished but its version never heard (its work item ended without the completion).
                await outcome.HandleAsync(scan, ct);
                logger.LogWarning("Re-drove {App} {Version}: its scan {Scan} had finished without moving it on", app.Slug, v.Version, scan.Id);
                return true;
            }
            if (scan is not null && workCanRun) return false; // still on its way

            var reason = scan is null ? "the version had no scan" : "its scan had no work item that could still run it";
            v.Revision++;
            workflow.StageSubmissionScans(app, v);
            audit.Record(db, new AuditEvent(AuditActions.VersionRedriven, "system", app.OrganizationId.ToString(), v.Id.ToString(),
                Data: new { app = app.Slug, version = v.Version, previousScan = scan?.Id, scan = v.CurrentScanId, reason }));
            await db.SaveChangesAsync(ct);
            logger.LogWarning("Re-drove {App} {Version}: {Reason}; started scan {Scan}", app.Slug, v.Version, reason, v.CurrentScanId);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // someone else moved it first
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
