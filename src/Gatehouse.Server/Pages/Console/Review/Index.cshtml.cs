using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// The review queue: what <c>GET /api/review/queue</c> lists (the same code, <see cref="ReviewQueue.QueueAsync"/>),
/// filtered by a GET form, with the SLA clock, risk score and assignment ("assign to me" calls the assign endpoint's handler).
/// </summary>
public sealed class IndexModel(GatehouseDb db, ListingPolicies listing, ReviewQueue queue) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Tier { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    /// <summary><c>me</c>, <c>none</c> or empty.</summary>
    [BindProperty(SupportsGet = true)] public string? Assigned { get; set; }
    [BindProperty(SupportsGet = true)] public bool Overdue { get; set; }

    public IReadOnlyList<QueueItem> Items { get; private set; } = [];
    public IReadOnlyList<string> Tiers { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();
    public string? Error { get; private set; }
    public string Me => User.Id();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Assigns the version to the caller (<see cref="ReviewQueue.AssignAsync"/>, as the assign endpoint does; conflicts of interest refused there).</summary>
    public async Task<IActionResult> OnPostAssignAsync(string app, string version, CancellationToken ct)
    {
        var result = await queue.AssignAsync(HttpContext, app ?? "", version ?? "", new AssignRequest(null), ct);
        if (result.Refusal is { } refusal)
        {
            Error = refusal.Message;
            Response.StatusCode = refusal.Status;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = $"{app} {version} is assigned to you.";
        return RedirectToPage(new { tier = Tier, type = Type, assigned = Assigned, overdue = Overdue ? "true" : null });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Tiers = [.. (await listing.CurrentAsync(ct)).Policy.Tiers.Keys];
        var tier = string.IsNullOrEmpty(Tier) ? null : Tier;
        var type = string.IsNullOrEmpty(Type) ? null : Type;
        var assigned = Assigned is "me" or "none" ? Assigned : null;
        Items = await queue.QueueAsync(User, tier, assigned, Overdue, type, ct);
        Emails = await ReviewPages.EmailsAsync(db, Items.Select(i => i.AssignedReviewerId), ct);
    }
}
