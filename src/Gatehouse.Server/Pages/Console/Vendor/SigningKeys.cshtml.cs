using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// An organisation's registered signing keys (docs/signing.md#vendor-signatures): whoever may see the organisation sees
/// them; its owner registers one (a P-256 public key PEM); the owner or an admin revokes one. Everything goes through
/// <see cref="VendorKeys"/>, as the API does; an organisation the caller may not see answers 404.
/// </summary>
public sealed class SigningKeysModel(GatehouseDb db, OrgAccess access, VendorKeys keys) : PageModel
{
    public Organization? Org { get; private set; }
    public IReadOnlyList<VendorKeyInfo> Keys { get; private set; } = [];
    public bool CanAdd { get; private set; }
    public bool CanRevoke { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) => await LoadAsync(orgId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(Guid orgId, string? name, string? publicKeyPem, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await keys.AddAsync(HttpContext, orgId, new AddVendorKeyRequest(name, publicKeyPem), ct);
        return await AfterAsync(orgId, result.Refusal, result.Value is { } k ? $"The key '{k.Name}' ({k.KeyId}) is registered." : null, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid orgId, Guid keyId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await keys.RevokeAsync(HttpContext, orgId, keyId.ToString(), ct);
        return await AfterAsync(orgId, result.Refusal, result.Value is { } k ? $"The key '{k.Name}' is revoked: signatures by it are refused from now on." : null, ct);
    }

    private async Task<IActionResult> AfterAsync(Guid orgId, Refusal? refusal, string? success, CancellationToken ct)
    {
        if (refusal is null && success is not null)
        {
            TempData["Flash"] = success;
            return RedirectToPage(new { orgId });
        }
        Error = refusal?.Message ?? "The change was refused.";
        db.ChangeTracker.Clear();
        return await LoadAsync(orgId, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid orgId, CancellationToken ct)
    {
        var list = (await keys.ListAsync(User, orgId, ct)).Value;
        if (list is null) return false;
        Keys = list;
        Org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        CanAdd = await access.CanManageAsync(User, orgId, ct);
        CanRevoke = CanAdd || await access.IsAdminAsync(User);
        return true;
    }
}
