using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>One app: its versions with their states, and where to go next.</summary>
public sealed class AppModel(GatehouseDb db, AppAccess access) : PageModel
{
    public App? App { get; private set; }
    public string OrgName { get; private set; } = "";
    public IReadOnlyList<AppVersion> Versions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string app, CancellationToken ct)
    {
        App = await access.FindAsync(User, app, ct);
        if (App is null) return NotFound();
        OrgName = await db.Organizations.AsNoTracking().Where(o => o.Id == App.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        Versions = await db.AppVersions.AsNoTracking().Where(v => v.AppId == App.Id).OrderByDescending(v => v.CreatedAt).ToListAsync(ct);
        return Page();
    }
}
