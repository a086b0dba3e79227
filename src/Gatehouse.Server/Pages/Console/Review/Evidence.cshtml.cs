using Gatehouse.Server.Data;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// Evidence waiting for verification: download the file (the evidence API's download endpoint), then verify or
/// reject with a note through <see cref="EvidenceVault.VerifyAsync"/> / <see cref="EvidenceVault.RejectAsync"/>, which refuse
/// members of the organisation and the uploader (conflict of interest).
/// </summary>
public sealed class EvidenceModel(GatehouseDb db, EvidenceVault vault, ListingPolicies listing, TimeProvider time) : PageModel
{
    public sealed record Row(EvidenceItem Item, string Organization, string Validity, bool Conflicted);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();
    public string? Error { get; private set; }
    public Guid? ErrorFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostVerifyAsync(Guid evidenceId, string? note, CancellationToken ct)
    {
        var result = await vault.VerifyAsync(HttpContext, evidenceId, note, ct);
        return await AfterAsync(evidenceId, result.Refusal, "verified", ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid evidenceId, string? note, CancellationToken ct)
    {
        var result = await vault.RejectAsync(HttpContext, evidenceId, note, ct);
        return await AfterAsync(evidenceId, result.Refusal, "rejected", ct);
    }

    private async Task<IActionResult> AfterAsync(Guid id, Errors.Refusal? refusal, string done, CancellationToken ct)
    {
        if (refusal is not null)
        {
            if (refusal.Status == StatusCodes.Status404NotFound) return NotFound();
            Error = refusal.Message;
            ErrorFor = id;
            Response.StatusCode = refusal.Status;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = $"The evidence is {done}.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        var items = await db.EvidenceItems.AsNoTracking().Where(e => e.Status == EvidenceStatus.PendingReview).ToListAsync(ct);
        items = [.. items.OrderBy(e => e.UploadedAt).Take(200)];
        var orgIds = items.Select(e => e.OrganizationId).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var me = User.Id();
        var mine = (await db.OrganizationMembers.AsNoTracking().Where(m => m.UserId == me).Select(m => m.OrganizationId).ToListAsync(ct)).ToHashSet();
        Rows = [.. items.Select(e => new Row(e, orgs.GetValueOrDefault(e.OrganizationId) ?? "", EvidenceValidity.Of(e, now, warningDays),
            e.UploadedBy == me || mine.Contains(e.OrganizationId)))];
        Emails = await ReviewPages.EmailsAsync(db, items.Select(e => e.UploadedBy), ct);
    }
}
