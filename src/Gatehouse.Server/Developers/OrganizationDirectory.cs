using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Developers;

/// <summary>
/// Vendor organisations' rules: who creates one and for whom, who sees and manages members and invitations, and that
/// nobody joins without accepting an invitation. An organisation the caller may not see is "not found". The API and
/// the console both call it.
/// </summary>
public sealed class OrganizationDirectory(OrgAccess access, GatehouseDb db, UserManager<GatehouseUser> users, InvitationService invitations,
    IOptions<InvitationOptions> options, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates an organisation owned by the caller, or (admins only) by the user <see cref="CreateOrganizationRequest.OwnerEmail"/> names.</summary>
    public async Task<Outcome<OrganizationInfo>> CreateAsync(HttpContext http, CreateOrganizationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) return Refusal.Invalid("name is required (at most 200 characters)");
        var ownerId = http.User.Id();
        // A reviewer owning a vendor organisation would decide on its own apps: staff join vendors only as an admin allows.
        if (request.OwnerEmail is null && http.User.IsStaff() && !await access.IsAdminAsync(http.User))
            return InvitationRequests.StaffNotAllowed();
        if (request.OwnerEmail is not null)
        {
            // Only an admin creates an organisation on someone else's behalf (and so may name a staff owner).
            if (!await access.IsAdminAsync(http.User)) return Refusal.Forbidden("only admins may name another owner");
            var owner = await users.FindByEmailAsync(request.OwnerEmail);
            if (owner is null) return Refusal.Invalid("ownerEmail does not name a user");
            ownerId = owner.Id;
        }
        if (await db.Organizations.AnyAsync(o => o.Name == name, ct)) return Refusal.Conflict("an organisation with this name exists");
        var now = time.GetUtcNow();
        var org = new Organization { Id = Guid.CreateVersion7(now), Name = name, OwnerUserId = ownerId, CreatedAt = now };
        org.Members.Add(new OrganizationMember { UserId = ownerId, Role = OrganizationRoles.Owner, AddedAt = now });
        db.Organizations.Add(org);
        // The organisation, its owner's membership and the audit entry commit together (issue 14).
        audit.Record(db, AuditEvent.By(http, AuditActions.OrganizationCreated, org.Id.ToString(), org.Id.ToString(),
            new { org.Name, owner = ownerId }));
        await db.SaveChangesAsync(ct);
        return new OrganizationInfo(org.Id, org.Name, ownerId, now, 1);
    }

    public async Task<Outcome<List<MemberInfo>>> MembersAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Refusal.NotFound("Organization");
        var rows = await (from m in db.OrganizationMembers
                          join u in db.Users on m.UserId equals u.Id
                          where m.OrganizationId == orgId
                          select new MemberInfo(u.Id, u.Email ?? "", u.DisplayName, m.Role, m.AddedAt)).ToListAsync(ct);
        return rows.OrderBy(r => r.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Invites someone by e-mail (the owner, or an admin). The answer is the same whether the address belongs to an
    /// account or not, and nothing is looked up: the person joins only by accepting (POST /api/invitations/accept).
    /// </summary>
    public async Task<Outcome<InvitationInfo>> InviteAsync(HttpContext http, Guid orgId, InviteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await access.CanManageMembersAsync(http.User, orgId, ct)) return Refusal.Forbidden("only the organisation's owner or an admin invites members");
        var role = request.Role ?? OrganizationRoles.Member;
        if (role is not (OrganizationRoles.Member or OrganizationRoles.Owner)) return Refusal.Invalid("role must be owner or member");
        if (InvitationService.EmailProblem(request.Email) is { } bad) return Refusal.Invalid(bad);
        if (await invitations.PendingCountAsync(InvitationKinds.Organization, orgId, ct) >= options.Value.MaxPendingPerTarget)
            return Refusal.Conflict($"the organisation has {options.Value.MaxPendingPerTarget} pending invitations; revoke some first");
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        // An admin's invitation is the explicit allowance for a staff account to join (docs/lifecycle.md#members-and-invitations).
        var byAdmin = await access.IsAdminAsync(http.User);
        var (inv, _) = await invitations.IssueAsync(InvitationKinds.Organization, orgId, org.Name, request.Email!, role, http.User.Id(), byAdmin,
            AuditEvent.By(http, AuditActions.InvitationCreated, orgId.ToString()), ct);
        return InvitationInfo.From(inv, time.GetUtcNow());
    }

    /// <summary>The organisation's invitations, newest first (owner or admin).</summary>
    public async Task<Outcome<List<InvitationInfo>>> InvitationsAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await access.CanManageMembersAsync(user, orgId, ct)) return Refusal.Forbidden("only the organisation's owner or an admin sees its invitations");
        var now = time.GetUtcNow();
        var rows = await db.Set<Invitation>().AsNoTracking().Where(i => i.Kind == InvitationKinds.Organization && i.TargetId == orgId).ToListAsync(ct);
        return rows.OrderByDescending(i => i.CreatedAt).Select(i => InvitationInfo.From(i, now)).ToList();
    }

    /// <summary>Removes a member (the owner or an admin); the owner of record cannot be removed.</summary>
    public async Task<Outcome<Completed>> RemoveMemberAsync(HttpContext http, Guid orgId, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await access.CanManageMembersAsync(http.User, orgId, ct)) return Refusal.Forbidden("only the organisation's owner or an admin manages members");
        var org = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        if (org.OwnerUserId == userId) return Refusal.Conflict("the owner cannot be removed; transfer ownership first");
        var member = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == userId, ct);
        if (member is null) return Refusal.NotFound("Member");
        db.OrganizationMembers.Remove(member);
        audit.Record(db, AuditEvent.By(http, AuditActions.MemberRemoved, orgId.ToString(), userId));
        await db.SaveChangesAsync(ct);
        return Completed.Instance;
    }
}
