using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// Tenants (customers of the marketplace): admins create them and invite their admins, who join by accepting
/// (the same invitations as vendor organisations). A tenant the caller neither administers nor, as admin, manages
/// answers 404.
/// </summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/tenants").WithTags("Tenants");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListTenants").WithSummary("List the tenants the caller may see.");
        g.MapPost("/", Create).RequireAuthorization(Policies.Admin).WithName("CreateTenant").WithSummary("Create a tenant.");
        g.MapGet("/{tenantId:guid}", Get).RequireAuthorization(Policies.Read).WithName("GetTenant").WithSummary("Get a tenant.");
        g.MapGet("/{tenantId:guid}/admins", Admins).RequireAuthorization(Policies.Read).WithName("ListTenantAdmins").WithSummary("List a tenant's admins.");
        g.MapPost("/{tenantId:guid}/invitations", Invite).RequireAuthorization(Policies.Admin).WithName("InviteTenantAdmin").WithSummary("Invite a tenant admin by e-mail.");
        g.MapGet("/{tenantId:guid}/invitations", Invitations).RequireAuthorization(Policies.Admin).WithName("ListTenantInvitations").WithSummary("List a tenant's pending invitations.");
        return app;
    }

    /// <summary>Admins see every tenant; anyone else the tenants they administer.</summary>
    public static async Task<Ok<List<TenantInfo>>> List(ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var q = db.Set<Tenant>().AsNoTracking();
        if (!await access.IsAdminAsync(user))
        {
            var uid = user.Id();
            var mine = db.Set<TenantAdmin>().Where(a => a.UserId == uid).Select(a => a.TenantId);
            q = q.Where(t => mine.Contains(t.Id));
        }
        var rows = await q.Select(t => new TenantInfo(t.Id, t.Name, db.Set<TenantAdmin>().Count(a => a.TenantId == t.Id))).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
    }

    public static async Task<Results<Created<TenantInfo>, ProblemHttpResult>> Create(
        CreateTenantRequest request, HttpContext http, GatehouseDb db, AuditLog audit, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl)) return Problems.Invalid("name is required (at most 200 characters)");
        if (await db.Set<Tenant>().AnyAsync(t => t.Name == name, ct)) return Problems.Conflict("a tenant with this name exists");
        var tenant = new Tenant { Id = Guid.NewGuid(), Name = name };
        db.Add(tenant);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.TenantCreated, null, tenant.Id.ToString(), new { tenant.Name }), ct);
        return TypedResults.Created($"/api/tenants/{tenant.Id}", new TenantInfo(tenant.Id, tenant.Name, 0));
    }

    public static async Task<Results<Ok<TenantInfo>, ProblemHttpResult>> Get(
        Guid tenantId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await CanSeeAsync(user, tenantId, access, db, ct)) return Problems.NotFound("Tenant");
        var t = await db.Set<Tenant>().AsNoTracking().Where(x => x.Id == tenantId)
            .Select(x => new TenantInfo(x.Id, x.Name, db.Set<TenantAdmin>().Count(a => a.TenantId == x.Id))).FirstAsync(ct);
        return TypedResults.Ok(t);
    }

    public static async Task<Results<Ok<List<TenantAdminInfo>>, ProblemHttpResult>> Admins(
        Guid tenantId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await CanSeeAsync(user, tenantId, access, db, ct)) return Problems.NotFound("Tenant");
        var rows = await (from a in db.Set<TenantAdmin>()
                          join u in db.Users on a.UserId equals u.Id
                          where a.TenantId == tenantId
                          select new TenantAdminInfo(u.Id, u.Email ?? "", u.DisplayName)).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(r => r.Email, StringComparer.Ordinal).ToList());
    }

    /// <summary>Invites a tenant admin by e-mail; the same answer whether the address has an account or not.</summary>
    public static async Task<Results<Created<InvitationInfo>, ProblemHttpResult>> Invite(
        Guid tenantId, InviteRequest request, HttpContext http, GatehouseDb db, InvitationService invitations,
        IOptions<InvitationOptions> options, TimeProvider time, CancellationToken ct)
    {
        var tenant = await db.Set<Tenant>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null) return Problems.NotFound("Tenant");
        if (request.Role is not (null or "admin")) return Problems.Invalid("role must be admin (the one tenant role)");
        if (InvitationService.EmailProblem(request.Email) is { } bad) return Problems.Invalid(bad);
        if (await invitations.PendingCountAsync(InvitationKinds.Tenant, tenantId, ct) >= options.Value.MaxPendingPerTarget)
            return Problems.Conflict($"the tenant has {options.Value.MaxPendingPerTarget} pending invitations; revoke some first");
        var (inv, _) = await invitations.IssueAsync(InvitationKinds.Tenant, tenantId, tenant.Name, request.Email!, "admin", http.User.Id(),
            staffAllowed: true, AuditEvent.By(http, AuditActions.InvitationCreated), ct);
        return TypedResults.Created($"/api/tenants/{tenantId}/invitations/{inv.Id}", InvitationInfo.From(inv, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<List<InvitationInfo>>, ProblemHttpResult>> Invitations(
        Guid tenantId, GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct)) return Problems.NotFound("Tenant");
        var now = time.GetUtcNow();
        var rows = await db.Set<Invitation>().AsNoTracking().Where(i => i.Kind == InvitationKinds.Tenant && i.TargetId == tenantId).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(i => i.CreatedAt).Select(i => InvitationInfo.From(i, now)).ToList());
    }

    private static async Task<bool> CanSeeAsync(ClaimsPrincipal user, Guid tenantId, OrgAccess access, GatehouseDb db, CancellationToken ct) =>
        await access.IsAdminAsync(user)
            ? await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct)
            : await TenantAdmin.IsAsync(db, tenantId, user.Id(), ct);
}

public sealed record CreateTenantRequest(string? Name);
/// <summary>A tenant and how many admins it has.</summary>
public sealed record TenantInfo(Guid Id, string Name, int AdminCount);
public sealed record TenantAdminInfo(string UserId, string Email, string? DisplayName);
