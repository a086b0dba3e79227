using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// An organisation's evidence (certifications, pen-test letters): what it holds, its review state and validity,
/// and an upload form. The upload goes through the evidence vault (<see cref="EvidenceVault"/>), as the API's does: the file is checked by the engine
/// first, then a reviewer verifies it. The upload is streamed (<see cref="StreamedUploadAttribute"/>): the caller is
/// authorised before a byte of the body is read.
/// </summary>
[StreamedUpload("")]
public sealed class EvidenceModel(GatehouseDb db, OrgAccess orgs, IBlobStore blobs, EvidenceVault vault, IOptions<EvidenceOptions> options) : PageModel
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
        if (!await vault.IsMemberAsync(User, orgId, ct))
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
            if (EvidenceVault.Validate(type, issuer, scope, fields.GetValueOrDefault("validFrom"), fields.GetValueOrDefault("validUntil"), name,
                    out from, out until) is { } invalid)
                return new BlobUpload(null, Errors.Problems.Invalid(invalid));
            return await BlobUploads.ReceiveAsync(stream, null, HttpContext, orgId, blobs, limit, "file", "Evidence:MaxUploadBytes", ct);
        }, ct);
        if (form.Error is not null) return Show(form.Error, form.Status);
        if (form.Upload is null) return Show("Choose the evidence file to upload.");
        if (form.Upload.Problem is { } refused) return Show(Errors.Refusal.From(refused).Message, refused.StatusCode);
        var result = await vault.StoreAsync(HttpContext, orgId, type!, issuer!, scope!, from, until, name!, () => Task.FromResult(form.Upload), ct);
        if (result.Refusal is { } refusal) return Show(refusal.Message);
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
        Items = (await vault.ListAsync(User, orgId, ct)).Value ?? [];
        return true;
    }
}
