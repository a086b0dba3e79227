using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Listing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>The listing policy (current, or an older version with <c>?v=</c>), its versions, and the requirements catalogue.</summary>
public sealed class PolicyModel(ListingPolicies policies, RequirementCatalog catalog) : PageModel
{
    public VersionedListingPolicy Shown { get; private set; } = null!;
    public int CurrentVersion { get; private set; }
    public IReadOnlyList<ListingPolicyVersion> Versions { get; private set; } = [];
    public RequirementCatalog Catalog => catalog;

    public async Task<IActionResult> OnGetAsync(int? v, CancellationToken ct)
    {
        var current = await policies.CurrentAsync(ct);
        CurrentVersion = current.Version;
        if (v is { } wanted && wanted != current.Version)
        {
            if (await policies.GetAsync(wanted, ct) is not { } old) return NotFound();
            Shown = old;
        }
        else
        {
            Shown = current;
        }
        Versions = await policies.ListAsync(ct);
        return Page();
    }
}
