using Gatehouse.Server.OAuth;
using Gatehouse.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Customer;

/// <summary>
/// A tenant admin's view of who used the tenant's data: the apps that called the platform API for the tenant in the
/// last 30 days, how much, and the first and last call. The tenant's admins and staff see it; anyone else: 404
/// (<see cref="UsageTenantAccess"/>, as <c>GET /api/tenants/{tenantId}/usage</c>).
/// </summary>
internal sealed class UsageModel(UsageTenantAccess tenants, UsageQueries queries, TimeProvider time) : PageModel
{
    public Tenant Tenant { get; private set; } = null!;
    public TenantUsageInfo Usage { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid tenantId, CancellationToken ct)
    {
        if (await tenants.FindAsync(User, tenantId, ct) is not { } tenant) return NotFound();
        Tenant = tenant;
        var now = time.GetUtcNow();
        var period = UsagePeriod.Parse(now.AddDays(-UsagePeriod.DefaultDailyDays), now, UsagePeriod.Hour, now).Value!;
        Usage = await queries.TenantAsync(tenant, period, UsageQueries.MaxTop, ct);
        return Page();
    }
}
