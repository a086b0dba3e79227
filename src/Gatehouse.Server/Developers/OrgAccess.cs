using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Developers;

/// <summary>
/// The one place that decides organisation visibility: staff see all; a developer sees only the
/// organisations they belong to; only owners and admins manage members.
/// </summary>
public sealed class OrgAccess(GatehouseDb db, Audit.SecurityRefusals refusals)
{
    public async Task<bool> CanSeeAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (await SeesAsync(user, orgId, ct)) return true;
        refusals.RecordCurrent(Audit.RefusalReasons.OrgNotVisible, "org:" + orgId); // every caller answers 404
        return false;
    }

    private async Task<bool> SeesAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsStaff()) return await db.Organizations.AnyAsync(o => o.Id == orgId, ct);
        var uid = user.Id();
        return await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct);
    }

    public async Task<bool> CanManageAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsAdmin()) return true;
        var uid = user.Id();
        return await db.OrganizationMembers.AnyAsync(
            m => m.OrganizationId == orgId && m.UserId == uid && m.Role == OrganizationRoles.Owner, ct);
    }

    /// <summary>Ids of organisations the caller may see; null means all (staff).</summary>
    public async Task<IReadOnlyList<Guid>?> VisibleOrgIdsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsStaff()) return null;
        var uid = user.Id();
        return await db.OrganizationMembers.Where(m => m.UserId == uid).Select(m => m.OrganizationId).ToListAsync(ct);
    }
}
