using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Developers;

/// <summary>
/// Vendor organisations and their members. An organisation the caller may not see answers 404,
/// so its existence does not leak. Nobody is added to an organisation without consent: members join by
/// accepting an invitation (<see cref="Invitations.InvitationService"/>).
/// </summary>
public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/orgs").WithTags("Organizations");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListOrganizations").WithSummary("List the caller's organisations.");
        g.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateOrganization").WithSummary("Create an organisation.");
        g.MapGet("/{orgId:guid}", Get).RequireAuthorization(Policies.Read).WithName("GetOrganization").WithSummary("Get an organisation.");
        g.MapGet("/{orgId:guid}/members", Members).RequireAuthorization(Policies.Read).WithName("ListOrganizationMembers").WithSummary("List an organisation's members.");
        g.MapPost("/{orgId:guid}/invitations", Invite).RequireAuthorization(Policies.Write).WithName("InviteOrganizationMember").WithSummary("Invite a member to an organisation by e-mail.");
        g.MapGet("/{orgId:guid}/invitations", Invitations).RequireAuthorization(Policies.Read).WithName("ListOrganizationInvitations").WithSummary("List an organisation's pending invitations.");
        g.MapDelete("/{orgId:guid}/members/{userId}", RemoveMember).RequireAuthorization(Policies.Write).WithName("RemoveOrganizationMember").WithSummary("Remove a member from an organisation.");
        return app;
    }

    public static async Task<Ok<List<OrganizationInfo>>> List(ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var visible = await access.VisibleOrgIdsAsync(user, ct);
        var q = db.Organizations.AsNoTracking();
        if (visible is not null) q = q.Where(o => visible.Contains(o.Id));
        var rows = await q.OrderBy(o => o.Name)
            .Select(o => new OrganizationInfo(o.Id, o.Name, o.OwnerUserId, o.CreatedAt, o.Members.Count))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    public static async Task<Results<Created<OrganizationInfo>, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, HttpContext http, OrgAccess access, GatehouseDb db, UserManager<GatehouseUser> users,
        AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) return Problems.Invalid("name is required (at most 200 characters)");
        var ownerId = http.User.Id();
        // A reviewer owning a vendor organisation would decide on its own apps: staff join vendors only as an admin allows.
        if (request.OwnerEmail is null && http.User.IsStaff() && !await access.IsAdminAsync(http.User))
            return InvitationsApi.StaffNotAllowed();
        if (request.OwnerEmail is not null)
        {
            // Only an admin creates an organisation on someone else's behalf (and so may name a staff owner).
            if (!await access.IsAdminAsync(http.User)) return Problems.Forbidden("only admins may name another owner");
            var owner = await users.FindByEmailAsync(request.OwnerEmail);
            if (owner is null) return Problems.Invalid("ownerEmail does not name a user");
            ownerId = owner.Id;
        }
        if (await db.Organizations.AnyAsync(o => o.Name == name, ct)) return Problems.Conflict("an organisation with this name exists");
        var now = time.GetUtcNow();
        var org = new Organization { Id = Guid.CreateVersion7(now), Name = name, OwnerUserId = ownerId, CreatedAt = now };
        org.Members.Add(new OrganizationMember { UserId = ownerId, Role = OrganizationRoles.Owner, AddedAt = now });
        db.Organizations.Add(org);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.OrganizationCreated, org.Id.ToString(), org.Id.ToString(),
            new { org.Name, owner = ownerId }), ct);
        return TypedResults.Created($"/api/orgs/{org.Id}", new OrganizationInfo(org.Id, org.Name, ownerId, now, 1));
    }

    public static async Task<Results<Ok<OrganizationInfo>, ProblemHttpResult>> Get(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == orgId)
            .Select(o => new OrganizationInfo(o.Id, o.Name, o.OwnerUserId, o.CreatedAt, o.Members.Count))
            .FirstAsync(ct);
        return TypedResults.Ok(org);
    }

    public static async Task<Results<Ok<List<MemberInfo>>, ProblemHttpResult>> Members(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await (from m in db.OrganizationMembers
                          join u in db.Users on m.UserId equals u.Id
                          where m.OrganizationId == orgId
                          select new MemberInfo(u.Id, u.Email ?? "", u.DisplayName, m.Role, m.AddedAt)).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(r => r.Email, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Invites someone by e-mail (the owner, or an admin). The answer is the same whether the address belongs to an
    /// account or not, and nothing is looked up: the person joins only by accepting (POST /api/invitations/accept).
    /// </summary>
    public static async Task<Results<Created<InvitationInfo>, ProblemHttpResult>> Invite(
        Guid orgId, InviteRequest request, HttpContext http, OrgAccess access, GatehouseDb db, InvitationService invitations,
        IOptions<InvitationOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageMembersAsync(http.User, orgId, ct)) return Problems.Forbidden("only the organisation's owner or an admin invites members");
        var role = request.Role ?? OrganizationRoles.Member;
        if (role is not (OrganizationRoles.Member or OrganizationRoles.Owner)) return Problems.Invalid("role must be owner or member");
        if (InvitationService.EmailProblem(request.Email) is { } bad) return Problems.Invalid(bad);
        if (await invitations.PendingCountAsync(InvitationKinds.Organization, orgId, ct) >= options.Value.MaxPendingPerTarget)
            return Problems.Conflict($"the organisation has {options.Value.MaxPendingPerTarget} pending invitations; revoke some first");
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        // An admin's invitation is the explicit allowance for a staff account to join (docs/lifecycle.md#members-and-invitations).
        var byAdmin = await access.IsAdminAsync(http.User);
        var (inv, _) = await invitations.IssueAsync(InvitationKinds.Organization, orgId, org.Name, request.Email!, role, http.User.Id(), byAdmin,
            AuditEvent.By(http, AuditActions.InvitationCreated, orgId.ToString()), ct);
        return TypedResults.Created($"/api/orgs/{orgId}/invitations/{inv.Id}", InvitationInfo.From(inv, time.GetUtcNow()));
    }

    /// <summary>The organisation's invitations, newest first (owner or admin).</summary>
    public static async Task<Results<Ok<List<InvitationInfo>>, ProblemHttpResult>> Invitations(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageMembersAsync(user, orgId, ct)) return Problems.Forbidden("only the organisation's owner or an admin sees its invitations");
        var now = time.GetUtcNow();
        var rows = await db.Set<Invitation>().AsNoTracking().Where(i => i.Kind == InvitationKinds.Organization && i.TargetId == orgId).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(i => i.CreatedAt).Select(i => InvitationInfo.From(i, now)).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid orgId, string userId, HttpContext http, OrgAccess access, GatehouseDb db, AuditLog audit, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageMembersAsync(http.User, orgId, ct)) return Problems.Forbidden("only the organisation's owner or an admin manages members");
        var org = await db.Organizations.FirstAsync(o => o.Id == orgId, ct);
        if (org.OwnerUserId == userId) return Problems.Conflict("the owner cannot be removed; transfer ownership first");
        var member = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == userId, ct);
        if (member is null) return Problems.NotFound("Member");
        db.OrganizationMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.MemberRemoved, orgId.ToString(), userId), ct);
        return TypedResults.NoContent();
    }
}

public sealed record CreateOrganizationRequest(string Name, string? OwnerEmail);
public sealed record OrganizationInfo(Guid Id, string Name, string OwnerUserId, DateTimeOffset CreatedAt, int MemberCount);
public sealed record MemberInfo(string UserId, string Email, string? DisplayName, string Role, DateTimeOffset AddedAt);
