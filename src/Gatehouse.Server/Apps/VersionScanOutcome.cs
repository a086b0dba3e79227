using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Scanning.Probes;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The one place that decides what a finished scan means for its version, for submissions, rescans and daily
/// probes alike (<see cref="Decide"/>), and carries it out:
/// <list type="bullet">
/// <item>a submission's scan goes to review, or, when incomplete, is retried with back-off, and after the last retry
/// goes to review flagged incomplete (where approval stays impossible until a rescan completes);</item>
/// <item>a published version's rescan or probe with blocking findings (after suppressions) quarantines it at once;
/// an incomplete one is tried again later and tells people (never a quarantine); otherwise the next one is scheduled.
/// An SBOM re-match after an advisory import (<see cref="ScanKind.Sbom"/>, purpose rescan) is judged by the same row of the
/// table; it leaves the artifact's own rescan clock alone, and new vulnerability findings tell the vendor and staff.</item>
/// </list>
/// The submission's probe is a <see cref="ScanPurposes.Submission"/> scan and ends like any submission scan.
/// </summary>
internal sealed class VersionScanOutcome(
    GatehouseDb db, VersionWorkflow workflow, VersionFindings findings, ListingPolicies listing, Notifier notifier, TimeProvider time)
{
    /// <summary>Event sent to the organisation and to staff when a daily probe could not run.</summary>
    public const string ProbeIncompleteEvent = "version.probe-incomplete";

    /// <summary>Event sent to the organisation and to staff when an SBOM re-match finds advisories the version's scan did not have.</summary>
    public const string NewVulnerabilitiesEvent = "version.new-vulnerabilities";

    /// <summary>The purposes whose scans belong to a version.</summary>
    public static readonly IReadOnlyList<string> Purposes = [ScanPurposes.Submission, ScanPurposes.Rescan, ScanPurposes.Probe];

    /// <summary>
    /// The decision table. <paramref name="scanned"/> is the scan's own verdict, <paramref name="effective"/> the verdict
    /// after the app's suppressions, <paramref name="incompleteBefore"/> how many incomplete scans in a row the version
    /// had before this one, <paramref name="retries"/> how many retries the listing policy allows.
    /// </summary>
    public static VersionScanStep Decide(string purpose, Verdict scanned, Verdict? effective, int incompleteBefore, int retries) => purpose switch
    {
        ScanPurposes.Submission => scanned == Verdict.Incomplete && incompleteBefore + 1 <= retries ? VersionScanStep.Retry : VersionScanStep.Review,
        ScanPurposes.Rescan or ScanPurposes.Probe => effective switch
        {
            Verdict.Incomplete or null => VersionScanStep.RetryLater,
            Verdict.Reject => VersionScanStep.Quarantine,
            _ => VersionScanStep.Reschedule,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "not a version scan purpose"),
    };

    /// <summary>
    /// Handles a finished scan of a version, in one transaction (the version's move, its audit entry and its
    /// notifications commit together). Idempotent: a re-delivery after the version moved on is a no-op.
    /// </summary>
    public Task HandleAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return db.InTransactionAsync(() => scan.Purpose switch
        {
            ScanPurposes.Submission => SubmissionAsync(scan, ct),
            ScanPurposes.Rescan => RescanAsync(scan, ct),
            ScanPurposes.Probe => ProbeAsync(scan, ct),
            _ => Task.CompletedTask,
        }, ct);
    }

    private async Task SubmissionAsync(Scan scan, CancellationToken ct)
    {
        var (app, v) = await LoadAsync(scan, ct);
        // Only the version's current scan, and only while it waits for it (a re-delivery after the move is a no-op).
        if (app is null || v is null || v.CurrentScanId != scan.Id || v.State != VersionStates.Scanning || v.NextScanAttemptAt is not null) return;
        var now = time.GetUtcNow();
        var retries = (await listing.CurrentAsync(ct)).Policy.ScanRetryMinutes;
        var scanned = scan.Verdict ?? Verdict.Incomplete;
        if (Decide(ScanPurposes.Submission, scanned, null, v.IncompleteScans, retries.Count) == VersionScanStep.Retry)
        {
            v.IncompleteScans++;
            v.NextScanAttemptAt = now.AddMinutes(retries[v.IncompleteScans - 1]);
            await workflow.ApplyAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanRetry, v.State, Actor.System)!, Caller.System,
                [VersionWorkflow.Guards.ScanIncomplete], $"scan {scan.Id} was incomplete ({scan.Error ?? "an engine failed"}); retry {v.IncompleteScans} of {retries.Count} at {v.NextScanAttemptAt:O}", ct);
            return;
        }
        if (scanned == Verdict.Incomplete) v.IncompleteScans++;
        v.LastScannedAt = now;
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        await workflow.ApplyAsync(app, v, Lifecycle.Find(Lifecycle.Actions.ScanCompleted, v.State, Actor.System)!, Caller.System,
            effective.Verdict == Verdict.Incomplete ? [VersionWorkflow.Guards.ScanIncomplete] : effective.Blocking,
            $"scan verdict {VerdictNames.Of(scan.Verdict)}; after suppressions {effective.VerdictName}", ct);
        await notifier.QueueForStaffAsync("version.in-review", VersionWorkflow.Summary(app, v), ct);
        await db.SaveChangesAsync(ct);
    }

    private async Task RescanAsync(Scan scan, CancellationToken ct)
    {
        var (app, v) = await LoadAsync(scan, ct);
        if (app is null || v is null || v.CurrentScanId != scan.Id || v.State != VersionStates.Published) return;
        if (v.LastScannedAt >= scan.CompletedAt) return; // already handled
        var now = time.GetUtcNow();
        var policy = (await listing.CurrentAsync(ct)).Policy;
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        var retries = policy.ScanRetryMinutes;
        var rematch = scan.Kind == ScanKind.Sbom;
        switch (Decide(ScanPurposes.Rescan, scan.Verdict ?? Verdict.Incomplete, effective.Verdict, v.IncompleteScans, retries.Count))
        {
            case VersionScanStep.RetryLater:
                v.IncompleteScans++;
                v.NextRescanAt = now.AddMinutes(retries[Math.Min(v.IncompleteScans, retries.Count) - 1]);
                if (v.IncompleteScans == retries.Count)
                    await notifier.QueueForStaffAsync("version.rescan-incomplete", VersionWorkflow.Summary(app, v, [VersionWorkflow.Guards.ScanIncomplete],
                        $"{v.IncompleteScans} rescans in a row were incomplete: {scan.Error ?? "an engine failed"}"), ct);
                await db.SaveChangesAsync(ct);
                return;
            case VersionScanStep.Quarantine:
                v.IncompleteScans = 0;
                v.LastScannedAt = scan.CompletedAt ?? now;
                await QueueNewVulnerabilitiesAsync(app, v, scan, ct);
                await workflow.QuarantineBlockingAsync(app, v, effective.Blocking, rematch ? "an SBOM re-match after an advisory import" : "a rescan", ct);
                return;
            default:
                v.IncompleteScans = 0;
                v.LastScannedAt = scan.CompletedAt ?? now;
                // A re-match read no artifact: the artifact's own rescan stays due when it was.
                if (!rematch) v.NextRescanAt = now.AddDays(policy.RescanCadenceDays);
                await QueueNewVulnerabilitiesAsync(app, v, scan, ct);
                await db.SaveChangesAsync(ct);
                return;
        }
    }

    /// <summary>
    /// An SBOM re-match (<see cref="ScanKind.Sbom"/>) that found advisories the scan before it did not have tells the
    /// vendor and staff (<see cref="NewVulnerabilitiesEvent"/>), in the same save as the outcome; a re-delivery finds the
    /// version handled and never gets here again.
    /// </summary>
    private async Task QueueNewVulnerabilitiesAsync(App app, AppVersion v, Scan scan, CancellationToken ct)
    {
        if (scan.Kind != ScanKind.Sbom) return;
        var previous = scan.BasedOnScanId is { } basis
            ? await db.ScanFindings.AsNoTracking().Where(f => f.ScanId == basis).Select(f => f.Fingerprint).ToListAsync(ct)
            : [];
        var known = previous.ToHashSet(StringComparer.Ordinal);
        var added = await db.ScanFindings.AsNoTracking()
            .Where(f => f.ScanId == scan.Id && f.RuleId.StartsWith(SbomScanRunner.VulnerabilityRulePrefix))
            .OrderBy(f => f.Id).ToListAsync(ct);
        added = added.Where(f => !known.Contains(f.Fingerprint)).ToList();
        if (added.Count == 0) return;
        var advisories = added.Select(f => f.Evidence ?? f.RuleId).Distinct(StringComparer.Ordinal).ToList();
        var summary = VersionWorkflow.Summary(app, v, added.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).ToList(),
            $"{added.Count} new vulnerability finding(s) after an advisory import: {string.Join(", ", advisories.Take(20))}{(advisories.Count > 20 ? ", ..." : "")}");
        await notifier.QueueForOrganizationAsync(app.OrganizationId, NewVulnerabilitiesEvent, summary, ct);
        await notifier.QueueForStaffAsync(NewVulnerabilitiesEvent, summary, ct);
    }

    private async Task ProbeAsync(Scan scan, CancellationToken ct)
    {
        var (app, v) = await LoadAsync(scan, ct);
        // Only while published and waiting for a probe: the ticker cleared NextProbeAt when it started this one,
        // and every outcome below sets it again or leaves the published state, so a re-delivery is a no-op.
        if (app is null || v is null || v.State != VersionStates.Published || v.NextProbeAt is not null) return;
        // A version probed by reference has the probe as its current scan; with an artifact, only the newest probe counts.
        if (v.ArtifactDigest is null ? v.CurrentScanId != scan.Id
            : await db.Scans.AnyAsync(s => s.SubjectId == v.Id && s.ArtifactType == ProbeReports.ArtifactType && s.CreatedAt > scan.CreatedAt, ct))
            return;

        var now = time.GetUtcNow();
        var effective = await findings.EffectiveAsync(app, v, scan, ct);
        var step = Decide(ScanPurposes.Probe, scan.Verdict ?? Verdict.Incomplete, effective.Verdict, v.IncompleteScans, 0);
        if (step == VersionScanStep.RetryLater)
        {
            var next = now.Add(VersionProbes.Interval);
            var text = $"the daily endpoint probe {scan.Id} was incomplete ({scan.Error ?? "it could not run"}); it runs again at {next:O}";
            var summary = VersionWorkflow.Summary(app, v, [VersionWorkflow.Guards.ScanIncomplete], text);
            await notifier.QueueForOrganizationAsync(app.OrganizationId, ProbeIncompleteEvent, summary, ct);
            await notifier.QueueForStaffAsync(ProbeIncompleteEvent, summary, ct);
            // The next probe is saved with both notices: done at once, or redone.
            v.NextProbeAt = next;
            await db.SaveChangesAsync(ct);
            return;
        }
        if (v.ArtifactDigest is null) v.LastScannedAt = scan.CompletedAt ?? now;
        if (step == VersionScanStep.Quarantine)
        {
            await workflow.QuarantineBlockingAsync(app, v, effective.Blocking, "the daily endpoint probe", ct);
            return;
        }
        v.NextProbeAt = now.Add(VersionProbes.Interval);
        await db.SaveChangesAsync(ct);
    }

    private async Task<(App?, AppVersion?)> LoadAsync(Scan scan, CancellationToken ct)
    {
        if (scan.SubjectId is not { } id) return (null, null);
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == id, ct);
        var app = v is null ? null : await db.Apps.FirstOrDefaultAsync(a => a.Id == v.AppId, ct);
        return (app, v);
    }
}
