using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console;

/// <summary>The console's start page: where each of the signed-in person's roles works.</summary>
public sealed class IndexModel(GatehouseDb db) : PageModel
{
    public string Email { get; private set; } = "";
    public IReadOnlyList<string> Roles { get; private set; } = [];
    public bool IsStaff { get; private set; }
    public bool IsAdmin { get; private set; }
    public int QueueLength { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Email = User.Identity?.Name ?? "";
        Roles = [.. User.Claims.Where(c => c.Type == System.Security.Claims.ClaimTypes.Role).Select(c => c.Value)];
        IsStaff = User.IsStaff();
        IsAdmin = User.IsInRole(Identity.Roles.Admin);
        if (IsStaff) QueueLength = await db.AppVersions.CountAsync(v => v.State == VersionStates.InReview, ct);
    }
}
