using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// An organisation's evidence (certifications, pen-test letters): what it holds, its review state and validity,
/// and an upload form. The upload goes through the evidence API's own code: the file is checked by the engine
/// first, then a reviewer verifies it.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = long.MaxValue)]
[DisableRequestSizeLimit]
public sealed class EvidenceModel(GatehouseDb db, OrgAccess orgs, IBlobStore blobs, ScanStarter starter, ListingPolicies listing,
    AuditLog audit, TimeProvider time, IOptions<EvidenceOptions> options) : PageModel
{
    public Organization? Org { get; private set; }
    public IReadOnlyList<EvidenceInfo> Items { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) =>
        await LoadAsync(orgId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid orgId, string? type, string? issuer, string? scope, string? validFrom, string? validUntil,
        IFormFile? file, CancellationToken ct)
    {
        if (!await LoadAsync(orgId, ct)) return NotFound();
        var uid = User.Id();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct))
            return Show("Only members of the organisation upload its evidence.");
        if (file is null) return Show("Choose the evidence file to upload.");
        var name = Path.GetFileName(file.FileName);
        if (EvidenceApi.Validate(type, issuer, scope, validFrom, validUntil, name, out var from, out var until) is { } invalid) return Show(invalid);
        await using var stream = file.OpenReadStream();
        var result = await EvidenceApi.UploadAsync(orgId, HttpContext, db, starter, listing, audit, time, type!, issuer!, scope!, from, until, name,
            () => BlobUploads.ReceiveAsync(stream, file.Length, blobs, options.Value.MaxUploadBytes, "file", "Evidence:MaxUploadBytes", ct), ct);
        if (ApiOutcome.MessageOf(result.Result) is { } problem) return Show(problem);
        TempData["Flash"] = "The evidence is uploaded. The file is checked now; then a reviewer verifies it.";
        return RedirectToPage(new { orgId });
    }

    private PageResult Show(string error)
    {
        Error = error;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid orgId, CancellationToken ct)
    {
        if (!await orgs.CanSeeAsync(User, orgId, ct)) return false;
        Org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orgId, ct);
        if (Org is null) return false;
        var list = await EvidenceApi.List(orgId, User, orgs, db, listing, time, ct);
        Items = list.Result is Ok<List<EvidenceInfo>> ok ? ok.Value! : [];
        return true;
    }
}
