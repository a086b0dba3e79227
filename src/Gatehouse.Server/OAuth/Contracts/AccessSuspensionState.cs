using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.OAuth;

/// <summary><see cref="Suspended"/> while any suspension is <see cref="Active"/>; <see cref="Lifted"/> is the history (at most 50, newest first).</summary>
public sealed record AccessSuspensionState(string App, bool Suspended, IReadOnlyList<AccessSuspensionInfo> Active, IReadOnlyList<AccessSuspensionInfo> Lifted)
{
    public static async Task<AccessSuspensionState> LoadAsync(GatehouseDb db, App app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(app);
        var rows = db.Set<AppAccessSuspension>().AsNoTracking().Where(s => s.AppId == app.Id);
        var active = await rows.Where(s => s.LiftedAt == null).OrderBy(s => s.SuspendedAt).ToListAsync(ct);
        var lifted = await rows.Where(s => s.LiftedAt != null).OrderByDescending(s => s.LiftedAt).ThenByDescending(s => s.SuspendedAt).Take(50).ToListAsync(ct);
        return new AccessSuspensionState(app.Slug, active.Count > 0, [.. active.Select(AccessSuspensionInfo.From)], [.. lifted.Select(AccessSuspensionInfo.From)]);
    }
}
