using Gatehouse.Server.Identity;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Listing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>Registers an app for an organisation (<see cref="AppRegistry.CreateAsync"/>, as the API does).</summary>
public sealed class NewAppModel(GatehouseDb db, OrgAccess access, ListingPolicies listing, AppRegistry registry) : PageModel
{
    [BindProperty(SupportsGet = false)] public string? Name { get; set; }
    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public string? Type { get; set; }
    [BindProperty] public string? Tier { get; set; }
    [BindProperty] public string? BaseUrl { get; set; }

    public Organization? Org { get; private set; }
    public IReadOnlyList<string> Tiers { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) => await LoadAsync(orgId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid orgId, CancellationToken ct)
    {
        if (!await LoadAsync(orgId, ct)) return NotFound();
        var request = new CreateAppRequest(Slug?.Trim(), Name, Type, string.IsNullOrWhiteSpace(Tier) ? null : Tier,
            string.IsNullOrWhiteSpace(BaseUrl) ? null : BaseUrl.Trim());
        var result = await registry.CreateAsync(HttpContext, orgId, request, ct);
        if (result.Refusal is { } refusal)
        {
            Error = refusal.Message;
            return Page();
        }
        var created = result.Value!;
        TempData["Flash"] = $"{created.Name} is registered. Create its first version next.";
        return Redirect($"/console/vendor/apps/{Uri.EscapeDataString(created.Slug)}");
    }

    private async Task<bool> LoadAsync(Guid orgId, CancellationToken ct)
    {
        if (!await access.CanActAsync(User, orgId, ct)) return false; // a vendor page: members only, staff included
        Org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        Tiers = [.. (await listing.CurrentAsync(ct)).Policy.Tiers.Keys];
        return true;
    }

    public static IReadOnlyList<string> Types => AppTypes.All;
}
