using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Who may see a tenant's usage: staff, and the tenant's own admins (<see cref="TenantAdmin"/>). Anyone else is answered
/// as if the tenant did not exist (404), so a tenant's existence does not leak.
/// </summary>
internal sealed class UsageTenantAccess(GatehouseDb db, SecurityRefusals refusals)
{
    public async Task<Tenant?> FindAsync(ClaimsPrincipal user, Guid tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tenant = await db.Set<Tenant>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null) return null;
        if (user.IsStaff() || await TenantAdmin.IsAsync(db, tenantId, user.Id(), ct)) return tenant;
        refusals.RecordCurrent(RefusalReasons.OrgNotVisible, "tenant:" + tenantId);
        return null;
    }
}
