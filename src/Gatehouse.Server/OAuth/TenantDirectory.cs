using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// Tenants' rules: admins create them and invite their admins (who join by accepting); a tenant the caller neither
/// administers nor, as admin, manages is "not found". The API and the console both call it.
/// </summary>
public sealed class TenantDirectory(OrgAccess access, GatehouseDb db, InvitationService invitations, IOptions<InvitationOptions> options,
    AuditLog audit, TimeProvider time)
{
    /// <summary>Admins see every tenant; anyone else the tenants they administer.</summary>
    public async Task<List<TenantInfo>> ListAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var q = db.Set<Tenant>().AsNoTracking();
        if (!await access.IsAdminAsync(user))
        {
            var uid = user.Id();
            var mine = db.Set<TenantAdmin>().Where(a => a.UserId == uid).Select(a => a.TenantId);
            q = q.Where(t => mine.Contains(t.Id));
        }
        var rows = await q.Select(t => new TenantInfo(t.Id, t.Name, db.Set<TenantAdmin>().Count(a => a.TenantId == t.Id))).ToListAsync(ct);
        return rows.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<Outcome<TenantInfo>> CreateAsync(HttpContext http, CreateTenantRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl)) return Refusal.Invalid("name is required (at most 200 characters)");
        if (await db.Set<Tenant>().AnyAsync(t => t.Name == name, ct)) return Refusal.Conflict("a tenant with this name exists");
        var tenant = new Tenant { Id = Guid.NewGuid(), Name = name };
        db.Add(tenant);
        // The tenant and its audit entry commit together (issue 14).
        audit.Record(db, AuditEvent.By(http, AuditActions.TenantCreated, null, tenant.Id.ToString(), new { tenant.Name }));
        await db.SaveChangesAsync(ct);
        return new TenantInfo(tenant.Id, tenant.Name, 0);
    }

    public async Task<Outcome<TenantInfo>> GetAsync(ClaimsPrincipal user, Guid tenantId, CancellationToken ct)
    {
        if (!await CanSeeAsync(user, tenantId, ct)) return Refusal.NotFound("Tenant");
        var t = await db.Set<Tenant>().AsNoTracking().Where(x => x.Id == tenantId)
            .Select(x => new TenantInfo(x.Id, x.Name, db.Set<TenantAdmin>().Count(a => a.TenantId == x.Id))).FirstAsync(ct);
        return t;
    }

    public async Task<Outcome<List<TenantAdminInfo>>> AdminsAsync(ClaimsPrincipal user, Guid tenantId, CancellationToken ct)
    {
        if (!await CanSeeAsync(user, tenantId, ct)) return Refusal.NotFound("Tenant");
        var rows = await (from a in db.Set<TenantAdmin>()
                          join u in db.Users on a.UserId equals u.Id
                          where a.TenantId == tenantId
                          select new TenantAdminInfo(u.Id, u.Email ?? "", u.DisplayName)).ToListAsync(ct);
        return rows.OrderBy(r => r.Email, StringComparer.Ordinal).ToList();
    }

    /// <summary>Invites a tenant admin by e-mail; the same answer whether the address has an account or not.</summary>
    public async Task<Outcome<InvitationInfo>> InviteAsync(HttpContext http, Guid tenantId, InviteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var tenant = await db.Set<Tenant>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null) return Refusal.NotFound("Tenant");
        if (request.Role is not (null or "admin")) return Refusal.Invalid("role must be admin (the one tenant role)");
        if (InvitationService.EmailProblem(request.Email) is { } bad) return Refusal.Invalid(bad);
        if (await invitations.PendingCountAsync(InvitationKinds.Tenant, tenantId, ct) >= options.Value.MaxPendingPerTarget)
            return Refusal.Conflict($"the tenant has {options.Value.MaxPendingPerTarget} pending invitations; revoke some first");
        var (inv, _) = await invitations.IssueAsync(InvitationKinds.Tenant, tenantId, tenant.Name, request.Email!, "admin", http.User.Id(),
            staffAllowed: true, AuditEvent.By(http, AuditActions.InvitationCreated), ct);
        return InvitationInfo.From(inv, time.GetUtcNow());
    }

    public async Task<Outcome<List<InvitationInfo>>> InvitationsAsync(Guid tenantId, CancellationToken ct)
    {
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct)) return Refusal.NotFound("Tenant");
        var now = time.GetUtcNow();
        var rows = await db.Set<Invitation>().AsNoTracking().Where(i => i.Kind == InvitationKinds.Tenant && i.TargetId == tenantId).ToListAsync(ct);
        return rows.OrderByDescending(i => i.CreatedAt).Select(i => InvitationInfo.From(i, now)).ToList();
    }

    private async Task<bool> CanSeeAsync(ClaimsPrincipal user, Guid tenantId, CancellationToken ct) =>
        await access.IsAdminAsync(user)
            ? await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct)
            : await TenantAdmin.IsAsync(db, tenantId, user.Id(), ct);
}
