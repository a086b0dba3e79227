using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Probes;

/// <summary>
/// A published version's daily probe (<see cref="ScanPurposes.Probe"/>) finished: blocking findings (after
/// suppressions) quarantine it at once, as a blocking rescan does; an incomplete probe tells the vendor and
/// staff and is tried again the next day (never a quarantine); otherwise the next probe is due in a day.
/// The submission's probe is a <see cref="ScanPurposes.Submission"/> scan and ends like any submission scan.
/// </summary>
internal sealed class ProbeCompletion(
    GatehouseDb db, VersionWorkflow workflow, VersionFindings findings, Notifier notifier, TimeProvider time) : IScanCompletion
{
    /// <summary>Event sent to the organisation and to staff when a daily probe could not run.</summary>
    public const string IncompleteEvent = "version.probe-incomplete";

    public string Purpose => ScanPurposes.Probe;

    public async Task OnCompletedAsync(Scan scan, CancellationToken ct)
    {
        if (scan.SubjectId is not { } id) return;
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == id, ct);
        var app = v is null ? null : await db.Apps.FirstOrDefaultAsync(a => a.Id == v.AppId, ct);
        // Only while published and waiting for a probe: the ticker cleared NextProbeAt when it started this one,
        // and every outcome below sets it again or leaves the published state, so a re-delivery is a no-op.
        if (app is null || v is null || v.State != VersionStates.Published || v.NextProbeAt is not null) return;
        // A version probed by reference has the probe as its current scan; with an artifact, only the newest probe counts.
        if (v.ArtifactDigest is null ? v.CurrentScanId != scan.Id
            : await db.Scans.AnyAsync(s => s.SubjectId == v.Id && s.ArtifactType == ProbeScans.ArtifactType && s.CreatedAt > scan.CreatedAt, ct))
            return;

        var now = time.GetUtcNow();
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        if (effective.Verdict == "incomplete")
        {
            var next = now.Add(ProbeScans.Interval);
            var text = $"the daily endpoint probe {scan.Id} was incomplete ({scan.Error ?? "it could not run"}); it runs again at {next:O}";
            var summary = VersionWorkflow.Summary(app, v, [VersionWorkflow.Guards.ScanIncomplete], text);
            await notifier.OrganizationAsync(app.OrganizationId, IncompleteEvent, summary, ct);
            // The next probe is saved with the staff notice (the notifier saves the context): done at once, or redone.
            v.NextProbeAt = next;
            await notifier.StaffAsync(IncompleteEvent, summary, ct);
            return;
        }
        if (v.ArtifactDigest is null) v.LastScannedAt = scan.CompletedAt ?? now;
        if (effective.Verdict == "reject")
        {
            await workflow.QuarantineBlockingAsync(app, v, effective.Blocking, "the daily endpoint probe", ct);
            return;
        }
        v.NextProbeAt = now.Add(ProbeScans.Interval);
        await db.SaveChangesAsync(ct);
    }
}
