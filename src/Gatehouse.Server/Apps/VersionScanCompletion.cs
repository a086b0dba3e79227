using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// A submission's scan finished: to review, or — when incomplete — retried with back-off, and after the
/// last retry to review flagged incomplete (where approval stays impossible until a rescan completes).
/// </summary>
internal sealed class SubmissionScanCompletion(
    GatehouseDb db, VersionWorkflow workflow, VersionFindings findings, ListingPolicies listing, Notifier notifier, TimeProvider time) : IScanCompletion
{
    public string Purpose => ScanPurposes.Submission;

    public async Task OnCompletedAsync(Scan scan, CancellationToken ct)
    {
        var (app, v) = await VersionScans.LoadAsync(db, scan, ct);
        // Only the version's current scan, and only while it waits for it (a re-delivery after the move is a no-op).
        if (app is null || v is null || v.CurrentScanId != scan.Id || v.State != VersionStates.Scanning || v.NextScanAttemptAt is not null) return;
        var now = time.GetUtcNow();
        if (scan.Verdict == "incomplete")
        {
            var retries = (await listing.CurrentAsync(ct)).Policy.ScanRetryMinutes;
            v.IncompleteScans++;
            if (v.IncompleteScans <= retries.Count)
            {
                v.NextScanAttemptAt = now.AddMinutes(retries[v.IncompleteScans - 1]);
                await workflow.ApplyAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanRetry, v.State, Actor.System)!, Caller.System,
                    [VersionWorkflow.Guards.ScanIncomplete], $"scan {scan.Id} was incomplete ({scan.Error ?? "an engine failed"}); retry {v.IncompleteScans} of {retries.Count} at {v.NextScanAttemptAt:O}", ct);
                return;
            }
        }
        v.LastScannedAt = now;
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        await workflow.ApplyAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanCompleted, v.State, Actor.System)!, Caller.System,
            effective.Verdict == "incomplete" ? [VersionWorkflow.Guards.ScanIncomplete] : effective.Blocking,
            $"scan verdict {scan.Verdict}; after suppressions {effective.Verdict}", ct);
        await notifier.StaffAsync("version.in-review", VersionWorkflow.Summary(app, v), ct);
    }
}

/// <summary>
/// A published version's rescan finished: blocking findings quarantine it at once (and tell the vendor
/// and staff); an incomplete rescan is retried soon; otherwise the next rescan is scheduled.
/// </summary>
internal sealed class RescanCompletion(
    GatehouseDb db, VersionWorkflow workflow, VersionFindings findings, ListingPolicies listing, Notifier notifier, TimeProvider time) : IScanCompletion
{
    public string Purpose => ScanPurposes.Rescan;

    public async Task OnCompletedAsync(Scan scan, CancellationToken ct)
    {
        var (app, v) = await VersionScans.LoadAsync(db, scan, ct);
        if (app is null || v is null || v.CurrentScanId != scan.Id || v.State != VersionStates.Published) return;
        if (v.LastScannedAt >= scan.CompletedAt) return; // already handled
        var now = time.GetUtcNow();
        var policy = (await listing.CurrentAsync(ct)).Policy;
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        if (effective.Verdict == "incomplete")
        {
            v.IncompleteScans++;
            var retries = policy.ScanRetryMinutes;
            v.NextRescanAt = now.AddMinutes(retries[Math.Min(v.IncompleteScans, retries.Count) - 1]);
            if (v.IncompleteScans == retries.Count)
                await notifier.StaffAsync("version.rescan-incomplete", VersionWorkflow.Summary(app, v, [VersionWorkflow.Guards.ScanIncomplete],
                    $"{v.IncompleteScans} rescans in a row were incomplete: {scan.Error ?? "an engine failed"}"), ct);
            await db.SaveChangesAsync(ct);
            return;
        }
        v.IncompleteScans = 0;
        v.LastScannedAt = scan.CompletedAt ?? now;
        if (effective.Verdict == "reject")
        {
            await workflow.QuarantineBlockingAsync(app, v, effective.Blocking, "a rescan", ct);
            return;
        }
        v.NextRescanAt = now.AddDays(policy.RescanCadenceDays);
        await db.SaveChangesAsync(ct);
    }
}

internal static class VersionScans
{
    public static async Task<(App?, AppVersion?)> LoadAsync(GatehouseDb db, Scan scan, CancellationToken ct)
    {
        if (scan.SubjectId is not { } id) return (null, null);
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == id, ct);
        var app = v is null ? null : await db.Apps.FirstOrDefaultAsync(a => a.Id == v.AppId, ct);
        return (app, v);
    }
}
