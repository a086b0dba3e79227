using Gatehouse.Server.Audit;
using Gatehouse.Server.Console;
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
/// first, then a reviewer verifies it. The upload is streamed (<see cref="StreamedUploadAttribute"/>): the caller is
/// authorised before a byte of the body is read.
/// </summary>
[StreamedUpload("")]
public sealed class EvidenceModel(GatehouseDb db, OrgAccess orgs, IBlobStore blobs, ScanStarter starter, ListingPolicies listing,
    AuditLog audit, TimeProvider time, IOptions<EvidenceOptions> options) : PageModel
{
    public Organization? Org { get; private set; }
    public IReadOnlyList<EvidenceInfo> Items { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) =>
        await LoadAsync(orgId, ct) ? Page() : NotFound();

    /// <summary>
    /// Authorises from the route first (who, which organisation, a member), and only then reads the form: its fields,
    /// the antiforgery token among them, then the file, streamed with the size limit and quota enforced while reading.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(Guid orgId, CancellationToken ct)
    {
        if (!await LoadAsync(orgId, ct)) return NotFound();
        var uid = User.Id();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct))
            return Show("Only members of the organisation upload its evidence.");
        var limit = options.Value.MaxUploadBytes;
        string? name = null, type = null, issuer = null, scope = null;
        DateTimeOffset from = default, until = default;
        var form = await StreamedForm.ReadAsync(HttpContext, limit, async (fields, fileName, stream) =>
        {
            name = string.IsNullOrWhiteSpace(fileName) ? null : fileName;
            type = fields.GetValueOrDefault("type");
            issuer = fields.GetValueOrDefault("issuer");
            scope = fields.GetValueOrDefault("scope");
            // The fields are checked before the file is read: a refused form costs nothing more.
            if (EvidenceApi.Validate(type, issuer, scope, fields.GetValueOrDefault("validFrom"), fields.GetValueOrDefault("validUntil"), name,
                    out from, out until) is { } invalid)
                return new BlobUpload(null, Errors.Problems.Invalid(invalid));
            return await BlobUploads.ReceiveAsync(stream, null, HttpContext, orgId, blobs, limit, "file", "Evidence:MaxUploadBytes", ct);
        }, ct);
        if (form.Error is not null) return Show(form.Error, form.Status);
        if (form.Upload is null) return Show("Choose the evidence file to upload.");
        if (form.Upload.Problem is { } refused) return Show(ApiOutcome.Message(refused), refused.StatusCode);
        var result = await EvidenceApi.UploadAsync(orgId, HttpContext, db, starter, listing, audit, time, type!, issuer!, scope!, from, until, name!,
            () => Task.FromResult(form.Upload), ct);
        if (ApiOutcome.MessageOf(result.Result) is { } problem) return Show(problem);
        TempData["Flash"] = "The evidence is uploaded. The file is checked now; then a reviewer verifies it.";
        return RedirectToPage(new { orgId });
    }

    private PageResult Show(string error, int status = StatusCodes.Status200OK)
    {
        Error = error;
        Response.StatusCode = status;
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
