using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The apps' half of the gap check (<see cref="IAuditGapCheck"/>): every version transition (decisions included) has its
/// <c>version.{action}</c> entry, every version's current artifact its <c>version.artifact-uploaded</c> entry, every app
/// its <c>app.created</c> entry. The entries are those <see cref="VersionWorkflow"/>, <see cref="VersionDrafts"/> and
/// <see cref="AppRegistry"/> write: subject the version's (or app's) id.
/// </summary>
internal sealed class VersionAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    /// <summary>Ids per query when the rows behind a short group are read (well under every provider's parameter limit).</summary>
    private const int ChunkSize = 200;

    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var gaps = new List<AuditGap>();
        await TransitionsAsync(gaps, ct);
        await UploadsAsync(gaps, ct);
        await AppsAsync(gaps, ct);
        return gaps;
    }

    /// <summary>
    /// Transitions have no link to their entry, and a version may take the same action many times (submit, scan-queued,
    /// …), so they are matched by count: per (version, action), the database counts the transitions and the entries,
    /// and a pair with fewer entries than transitions is short. Counting works on every log written so far (no schema
    /// change). Only the rows of short pairs are read, and <see cref="AuditGapMatching"/> picks by time which of them
    /// lack their entry.
    /// </summary>
    private async Task TransitionsAsync(List<AuditGap> gaps, CancellationToken ct)
    {
        var counts = await db.VersionTransitions.AsNoTracking().GroupBy(t => new { t.AppVersionId, t.Action })
            .Select(g => new { g.Key.AppVersionId, g.Key.Action, Count = g.Count() }).ToListAsync(ct);
        if (counts.Count == 0) return;
        var actions = counts.Select(c => AuditActions.VersionPrefix + c.Action).Distinct(StringComparer.Ordinal).ToList();
        var entries = await AuditGapQueries.CountsAsync(db, actions, ct);
        var shortPairs = counts
            .Where(c => c.Count > entries.GetValueOrDefault((c.AppVersionId.ToString(), AuditActions.VersionPrefix + c.Action)))
            .Select(c => (c.AppVersionId, c.Action)).ToHashSet();
        if (shortPairs.Count == 0) return;

        foreach (var chunk in shortPairs.Select(p => p.AppVersionId).Distinct().Chunk(ChunkSize))
        {
            var rows = await db.VersionTransitions.AsNoTracking().Where(t => chunk.Contains(t.AppVersionId)).ToListAsync(ct);
            var subjects = chunk.Select(id => id.ToString()).ToList();
            var times = await db.AuditEntries.AsNoTracking()
                .Where(e => actions.Contains(e.Action) && e.Subject != null && subjects.Contains(e.Subject))
                .Select(e => new { e.Subject, e.Action, e.AtUnixMs }).ToListAsync(ct);
            var names = await VersionNamesAsync(chunk, ct);
            foreach (var group in rows.GroupBy(t => (t.AppVersionId, t.Action)).Where(g => shortPairs.Contains(g.Key)))
            {
                var state = group.OrderBy(t => t.Id).ToList();
                var action = AuditActions.VersionPrefix + group.Key.Action;
                var subject = group.Key.AppVersionId.ToString();
                var entryTimes = times.Where(e => e.Action == action && string.Equals(e.Subject, subject, StringComparison.OrdinalIgnoreCase))
                    .Select(e => e.AtUnixMs).ToList();
                foreach (var i in AuditGapMatching.Unmatched(state.Select(t => t.At.ToUnixTimeMilliseconds()).ToList(), entryTimes))
                {
                    var t = state[i];
                    var kind = t.Action is Lifecycle.Actions.Approve or Lifecycle.Actions.Reject or Lifecycle.Actions.RequestChanges
                        ? "decision" : "transition";
                    gaps.Add(new AuditGap(kind, subject, action, t.At,
                        $"{names.GetValueOrDefault(t.AppVersionId, "version")}: {t.Action} {t.From} -> {t.To} by {t.Actor}"));
                }
            }
        }
    }

    /// <summary>
    /// A version's artifact is its latest upload: some <c>version.artifact-uploaded</c> entry of the version must name its
    /// digest. The upload's own time is not kept on the version; its last change stands for it.
    /// </summary>
    private async Task UploadsAsync(List<AuditGap> gaps, CancellationToken ct)
    {
        var versions = await db.AppVersions.AsNoTracking().Where(v => v.ArtifactDigest != null)
            .Select(v => new { v.Id, v.ArtifactDigest, v.UpdatedAt }).ToListAsync(ct);
        if (versions.Count == 0) return;
        var uploaded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (subject, data) in await AuditGapQueries.DataAsync(db, [AuditActions.VersionArtifactUploaded], ct))
            foreach (var digest in AuditGapQueries.Strings(data, "digest"))
                uploaded.Add($"{subject} {digest}");
        var missing = versions.Where(v => !uploaded.Contains($"{v.Id} {v.ArtifactDigest}")).ToList();
        if (missing.Count == 0) return;
        var names = await VersionNamesAsync(missing.Select(v => v.Id).ToArray(), ct);
        gaps.AddRange(missing.Select(v => new AuditGap("upload", v.Id.ToString(), AuditActions.VersionArtifactUploaded, v.UpdatedAt,
            $"{names.GetValueOrDefault(v.Id, "version")}: artifact {v.ArtifactDigest} (time: the version's last change)")));
    }

    private async Task AppsAsync(List<AuditGap> gaps, CancellationToken ct)
    {
        var created = await AuditGapQueries.SubjectsAsync(db, [AuditActions.AppCreated], ct);
        var apps = await db.Apps.AsNoTracking().Select(a => new { a.Id, a.Slug, a.CreatedAt, a.CreatedBy }).ToListAsync(ct);
        gaps.AddRange(apps.Where(a => !created.Contains(a.Id.ToString()))
            .Select(a => new AuditGap("app.created", a.Id.ToString(), AuditActions.AppCreated, a.CreatedAt, $"app {a.Slug} by {a.CreatedBy}")));
    }

    /// <summary>"slug version" of each version, for the gaps' details.</summary>
    private async Task<Dictionary<Guid, string>> VersionNamesAsync(Guid[] ids, CancellationToken ct) =>
        (await db.AppVersions.AsNoTracking().Where(v => ids.Contains(v.Id))
            .Join(db.Apps, v => v.AppId, a => a.Id, (v, a) => new { v.Id, a.Slug, v.Version }).ToListAsync(ct))
        .ToDictionary(x => x.Id, x => $"{x.Slug} {x.Version}");
}
