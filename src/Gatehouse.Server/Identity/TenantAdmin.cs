using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>A console user who may install apps into a tenant (consent on its behalf).</summary>
internal sealed class TenantAdmin
{
    public Guid TenantId { get; set; }
    public required string UserId { get; set; }

    /// <summary>True when <paramref name="userId"/> administers <paramref name="tenantId"/>.</summary>
    public static Task<bool> IsAsync(Data.GatehouseDb db, Guid tenantId, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<TenantAdmin>().AnyAsync(t => t.TenantId == tenantId && t.UserId == userId, ct);
    }
}
