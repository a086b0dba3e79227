using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The kill switch's half of the gap check (<see cref="IAuditGapCheck"/>), against what <see cref="AppAccessGate"/> writes:
/// every suspension by the kill switch has an <c>oauth.kill-switch</c> entry (subject the app's slug), and every lifted
/// suspension is listed (<c>lifted[].id</c>) by an <c>oauth.access-restored</c> entry. Suspensions set by a version's
/// quarantine or suspension are that version's transition, checked with the transitions.
/// </summary>
internal sealed class SuspensionAuditGaps(GatehouseDb db) : IAuditGapCheck
{
    public async Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct)
    {
        var rows = await db.Set<AppAccessSuspension>().AsNoTracking()
            .Where(s => s.Source == AppAccessSuspensionSources.KillSwitch || s.LiftedAt != null)
            .Join(db.Apps, s => s.AppId, a => a.Id, (s, a) => new { s.Id, s.Source, a.Slug, s.SuspendedAt, s.SuspendedBy, s.LiftedAt, s.LiftedBy })
            .ToListAsync(ct);
        if (rows.Count == 0) return [];
        var gaps = new List<AuditGap>();

        // A kill-switch entry has no link to its suspension, and one is also written when a version's quarantine revokes
        // the app's credentials; so per app the suspensions are matched by count and time against every kill-switch
        // entry of the app. That can miss a gap (a quarantine's entry may stand in for it), never invent one.
        var switched = rows.Where(r => r.Source == AppAccessSuspensionSources.KillSwitch).ToList();
        if (switched.Count > 0)
        {
            var entries = (await AuditGapQueries.TimesAsync(db, [OAuthAuditActions.KillSwitch], ct))
                .ToLookup(e => e.Subject, e => e.AtUnixMs, StringComparer.Ordinal);
            foreach (var app in switched.GroupBy(r => r.Slug, StringComparer.Ordinal))
            {
                var state = app.OrderBy(r => r.SuspendedAt).ToList();
                foreach (var i in AuditGapMatching.Unmatched(state.Select(r => r.SuspendedAt.ToUnixTimeMilliseconds()).ToList(), entries[app.Key].ToList()))
                    gaps.Add(new AuditGap("suspension", app.Key, OAuthAuditActions.KillSwitch, state[i].SuspendedAt,
                        $"app {app.Key}: access suspended by the kill switch (suspension {state[i].Id}) by {state[i].SuspendedBy}"));
            }
        }

        var lifted = rows.Where(r => r.LiftedAt is not null).ToList();
        if (lifted.Count > 0)
        {
            var listed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (_, data) in await AuditGapQueries.DataAsync(db, [OAuthAuditActions.AccessRestored], ct))
                listed.UnionWith(AuditGapQueries.Strings(data, "lifted", "id"));
            gaps.AddRange(lifted.Where(r => !listed.Contains(r.Id.ToString()))
                .Select(r => new AuditGap("suspension.lifted", r.Id.ToString(), OAuthAuditActions.AccessRestored, r.LiftedAt!.Value,
                    $"app {r.Slug}: {r.Source} suspension lifted by {r.LiftedBy}")));
        }
        return gaps;
    }
}
