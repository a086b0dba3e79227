using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Developers;

/// <summary>
/// Vendor organisations and their members. An organisation the caller may not see answers 404,
/// so its existence does not leak.
/// </summary>
public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/orgs").WithTags("Organizations");
        g.MapGet("/", List).RequireAuthorization(Policies.Read);
        g.MapPost("/", Create).RequireAuthorization(Policies.Write);
        g.MapGet("/{orgId:guid}", Get).RequireAuthorization(Policies.Read);
        g.MapGet("/{orgId:guid}/members", Members).RequireAuthorization(Policies.Read);
        g.MapPost("/{orgId:guid}/members", AddMember).RequireAuthorization(Policies.Write);
        g.MapDelete("/{orgId:guid}/members/{userId}", RemoveMember).RequireAuthorization(Policies.Write);
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
        CreateOrganizationRequest request, HttpContext http, GatehouseDb db, UserManager<GatehouseUser> users,
        AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) return Problems.Invalid("name is required (at most 200 characters)");
        var ownerId = http.User.Id();
        if (request.OwnerEmail is not null)
        {
            // Only an admin creates an organisation on someone else's behalf.
            if (!http.User.IsAdmin()) return Problems.Forbidden("only admins may name another owner");
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

    public static async Task<Results<Created<MemberInfo>, ProblemHttpResult>> AddMember(
        Guid orgId, AddMemberRequest request, HttpContext http, OrgAccess access, GatehouseDb db,
        UserManager<GatehouseUser> users, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageAsync(http.User, orgId, ct)) return Problems.Forbidden("only the organisation's owner or an admin manages members");
        var role = request.Role ?? OrganizationRoles.Member;
        if (role is not (OrganizationRoles.Member or OrganizationRoles.Owner)) return Problems.Invalid("role must be owner or member");
        var user = await users.FindByEmailAsync(request.Email);
        if (user is null) return Problems.Invalid("email does not name a user; an admin creates users first");
        if (await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == user.Id, ct))
            return Problems.Conflict("already a member");
        var now = time.GetUtcNow();
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = orgId, UserId = user.Id, Role = role, AddedAt = now });
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.MemberAdded, orgId.ToString(), user.Id, new { role }), ct);
        return TypedResults.Created($"/api/orgs/{orgId}/members/{user.Id}", new MemberInfo(user.Id, user.Email!, user.DisplayName, role, now));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid orgId, string userId, HttpContext http, OrgAccess access, GatehouseDb db, AuditLog audit, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageAsync(http.User, orgId, ct)) return Problems.Forbidden("only the organisation's owner or an admin manages members");
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
public sealed record AddMemberRequest(string Email, string? Role);
public sealed record MemberInfo(string UserId, string Email, string? DisplayName, string Role, DateTimeOffset AddedAt);
