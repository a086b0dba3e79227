using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Signing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>A version as the crash checks need it.</summary>
internal sealed record VersionRow(Guid Id, string Version, string State, Guid? CurrentScanId, string? ArtifactDigest,
    bool Answered, bool Attested, DateTimeOffset UpdatedAt);

/// <summary>A scan as the crash checks need it (no report).</summary>
internal sealed record ScanRow(Guid Id, Guid? SubjectId, string Purpose, ScanState State, Verdict? Verdict, Guid? WorkItemId);

/// <summary>A work item as the crash checks need it.</summary>
internal sealed record WorkRow(Guid Id, string Kind, WorkState State, DateTimeOffset? LeaseUntil, string? LeaseOwner, int Attempts);

/// <summary>A served download as the server recorded it (<c>download_records</c>; its audit entry is <c>download.served</c>).</summary>
internal sealed record DownloadRow(Guid VersionId, Guid? TenantId, string? UserId, int Status, long Offset, long Bytes);

/// <summary>
/// The world's database as the server left it, read directly (the server may be running or dead): versions, their
/// transitions, submission scans, work items, the audit entries about versions (and their downloads), the download
/// records, and the e-mails about them queued for
/// the vendor member (the notification outbox). The database is the test's own, so
/// everything in it belongs to the world.
/// </summary>
internal sealed record CrashSnapshot(
    IReadOnlyList<VersionRow> Versions,
    IReadOnlyList<VersionTransition> Transitions,
    IReadOnlyList<ScanRow> Scans,
    IReadOnlyList<WorkRow> Work,
    IReadOnlyList<(string Subject, string Action)> Audit,
    IReadOnlyList<(string Event, string Payload)> Notices,
    IReadOnlyList<(Guid VersionId, string Kind)> Signatures,
    IReadOnlyList<DownloadRow> Downloads)
{
    public static async Task<CrashSnapshot> TakeAsync(CrashWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        await using var db = world.OpenDb();
        var versions = await db.AppVersions.AsNoTracking()
            .Select(v => new VersionRow(v.Id, v.Version, v.State, v.CurrentScanId, v.ArtifactDigest, v.AnswersJson != null, v.AttestedAt != null, v.UpdatedAt))
            .ToListAsync();
        var transitions = await db.VersionTransitions.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
        var scans = await db.Scans.AsNoTracking().Where(s => s.Purpose == ScanPurposes.Submission)
            .Select(s => new ScanRow(s.Id, s.SubjectId, s.Purpose, s.State, s.Verdict, s.WorkItemId)).ToListAsync();
        var work = await db.WorkItems.AsNoTracking()
            .Select(w => new WorkRow(w.Id, w.Kind, w.State, w.LeaseUntil, w.LeaseOwner, w.Attempts)).ToListAsync();
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Subject != null && (a.Action.StartsWith("version.") || a.Action.StartsWith("download.") || a.Action == SigningAuditActions.ArtifactSigned))
            .Select(a => new { a.Subject, a.Action }).ToListAsync();
        var notices = await db.Outbox.AsNoTracking()
            .Where(m => m.Channel == OutboxChannels.Email && m.Recipient == world.VendorEmail && m.Event.StartsWith("version."))
            .Select(m => new { m.Event, m.PayloadJson }).ToListAsync();
        var signatures = await db.Set<ArtifactSignature>().AsNoTracking().Select(x => new { x.VersionId, x.Kind }).ToListAsync();
        var downloads = await db.Set<DownloadRecord>().AsNoTracking()
            .Select(d => new DownloadRow(d.VersionId, d.TenantId, d.UserId, d.Status, d.Offset, d.Bytes)).ToListAsync();
        return new CrashSnapshot(versions, transitions, scans, work, audit.Select(a => (a.Subject!, a.Action)).ToList(),
            notices.Select(n => (n.Event, n.PayloadJson)).ToList(), signatures.Select(x => (x.VersionId, x.Kind)).ToList(), downloads);
    }

    /// <summary>
    /// Versions whose state says they wait for a scan (<c>submitted</c>, <c>scanning</c>), each with what it waits for:
    /// work that can still move it (a queued or running scan with its work item) or nothing at all (wedged).
    /// </summary>
    public IReadOnlyList<(VersionRow Version, string Why)> Waiting(DateTimeOffset now)
    {
        var scans = Scans.ToDictionary(s => s.Id);
        var work = Work.ToDictionary(w => w.Id);
        var waiting = new List<(VersionRow, string)>();
        foreach (var v in Versions.Where(v => v.State is VersionStates.Submitted or VersionStates.Scanning))
        {
            var scan = v.CurrentScanId is { } id ? scans.GetValueOrDefault(id) : null;
            var item = scan?.WorkItemId is { } wid ? work.GetValueOrDefault(wid) : null;
            var why = (scan, item) switch
            {
                (null, _) => $"{v.State} with no scan",
                ({ State: ScanState.Done or ScanState.Failed }, _) => $"{v.State} though its scan is {scan.State} ({scan.Verdict?.ToString() ?? "no verdict"})",
                (_, null) => $"{v.State} with a {scan.State} scan that no work item runs",
                (_, { State: WorkState.Running }) when item.LeaseUntil > now =>
                    $"{v.State}, its scan's work item held by {item.LeaseOwner} until {item.LeaseUntil:HH:mm:ss} ({(item.LeaseUntil!.Value - now).TotalSeconds:0} s from now)",
                _ => $"{v.State}, its scan {scan.State}, work item {item.State} (attempt {item.Attempts})",
            };
            waiting.Add((v, why));
        }
        // A published file waits for its bundle and ticket (the signing.sign item committed with the publication).
        foreach (var v in Versions.Where(v => v.State == VersionStates.Published))
        {
            var kinds = Signatures.Where(x => x.VersionId == v.Id).Select(x => x.Kind).ToHashSet();
            if (kinds.Contains(ArtifactSignatureKinds.Bundle) && kinds.Contains(ArtifactSignatureKinds.Ticket)) continue;
            var items = Work.Where(w => w.Kind == SigningWork.Sign).Select(w => $"{w.State} (attempt {w.Attempts})").ToList();
            waiting.Add((v, $"published without its bundle and ticket ({kinds.Count} signature(s); signing items: {string.Join(", ", items)})"));
        }
        return waiting;
    }

    /// <summary>How many audit entries with <paramref name="action"/> name <paramref name="versionId"/>.</summary>
    public int AuditCount(Guid versionId, string action)
    {
        _auditCounts ??= Audit.GroupBy(a => (a.Subject, a.Action)).ToDictionary(g => g.Key, g => g.Count());
        return _auditCounts.GetValueOrDefault((versionId.ToString(), action));
    }

    private Dictionary<(string, string), int>? _auditCounts;

    /// <summary>
    /// Scans whose work item a server held when it died: <c>scan.artifact</c> items still marked running (read right after
    /// a kill, before the restart reclaims them), i.e. the scans the kill landed in.
    /// </summary>
    public static async Task<int> RunningScansAsync(CrashWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        await using var db = world.OpenDb();
        return await db.WorkItems.AsNoTracking().CountAsync(w => w.Kind == ScanArtifactHandler.KindName && w.State == WorkState.Running);
    }

    /// <summary>How many e-mails of <paramref name="eventType"/> about <paramref name="versionId"/> are queued for the vendor member.</summary>
    public int NoticeCount(Guid versionId, string eventType)
    {
        var id = versionId.ToString();
        return Notices.Count(n => n.Event == eventType && n.Payload.Contains(id, StringComparison.Ordinal));
    }
}
