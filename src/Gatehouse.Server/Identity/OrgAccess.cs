using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>
/// The one place that decides what a caller may do with a vendor organisation. Seeing and acting are
/// separate: staff may SEE every organisation (to review it), but only MEMBERS act for the vendor
/// (register apps, create versions, upload, submit, create keys and clients, accept agreements).
/// Reviewers review; a staff account that is not a member never acts as the vendor.
/// </summary>
public sealed class OrgAccess(GatehouseDb db, IAuthorizationService authorization, Audit.SecurityRefusals refusals)
{
    /// <summary>Members and staff (reviewers, admins) may see the organisation.</summary>
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
        return await IsMemberAsync(user, orgId, ct);
    }

    /// <summary>Only members act for the vendor, whatever their global role.</summary>
    public Task<bool> CanActAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct) => IsMemberAsync(user, orgId, ct);

    /// <summary>True when the caller belongs to the organisation.</summary>
    public Task<bool> IsMemberAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var uid = user.Id();
        return db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct);
    }

    /// <summary>The organisation's owners act for it as owner (webhooks, inviting members).</summary>
    public async Task<bool> CanManageAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var uid = user.Id();
        return await db.OrganizationMembers.AnyAsync(
            m => m.OrganizationId == orgId && m.UserId == uid && m.Role == OrganizationRoles.Owner, ct);
    }

    /// <summary>
    /// Owners manage the membership; so do admins (with an admin-scoped credential), who may remove a member and
    /// whose invitation is the one way a staff account joins a vendor organisation.
    /// </summary>
    public async Task<bool> CanManageMembersAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (await IsAdminAsync(user)) return await db.Organizations.AnyAsync(o => o.Id == orgId, ct);
        return await CanManageAsync(user, orgId, ct);
    }

    /// <summary>The admin policy: the admin role and an admin-scoped credential.</summary>
    public async Task<bool> IsAdminAsync(ClaimsPrincipal user) => (await authorization.AuthorizeAsync(user, Policies.Admin)).Succeeded;

    /// <summary>The refusal for a caller who may see the organisation (staff) but is not a member: <c>org.members-only</c>.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult MembersOnly(string what) => NotAMember(what).ToProblem();

    /// <summary>The refusal of a vendor action to a caller who may see the organisation but is not its member (staff).</summary>
    public static Refusal NotAMember(string what) =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.VendorMembersOnly, "Only members act for the vendor",
            $"only members of the vendor organisation {what}; staff see vendor organisations but do not act for them");

    /// <summary>Ids of organisations the caller may see; null means all (staff).</summary>
    public async Task<IReadOnlyList<Guid>?> VisibleOrgIdsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsStaff()) return null;
        var uid = user.Id();
        return await db.OrganizationMembers.Where(m => m.UserId == uid).Select(m => m.OrganizationId).ToListAsync(ct);
    }
}
