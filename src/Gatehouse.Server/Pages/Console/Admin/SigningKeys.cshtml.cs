using Gatehouse.Server.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// The platform signing keys: status, dates, OpenPGP fingerprint and the exact PEM link of each; rotate and retire call
/// <see cref="PlatformKeys"/>, as the API does, so the rules and the audit entries are the same.
/// </summary>
internal sealed class SigningKeysModel(PlatformKeys keys) : PageModel
{
    public IReadOnlyList<PlatformKeyView> Keys { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Keys = await keys.ListAsync(ct);

    /// <summary>A new active key; the previous one is superseded (<see cref="PlatformKeys.RotateAsync"/>).</summary>
    public async Task<IActionResult> OnPostRotateAsync(CancellationToken ct)
    {
        var result = await keys.RotateAsync(HttpContext, ct);
        return Done(result.Refusal, result.Value is { } r
            ? $"New active signing key {r.Key.Kid}." + (r.Superseded.Count > 0 ? $" Superseded: {string.Join(", ", r.Superseded)} (still published)." : "")
            : null);
    }

    /// <summary>Retires a superseded key now (<see cref="PlatformKeys.RetireAsync"/>).</summary>
    public async Task<IActionResult> OnPostRetireAsync(string? kid, CancellationToken ct)
    {
        var result = await keys.RetireAsync(HttpContext, kid ?? "", ct);
        return Done(result.Refusal, $"Signing key {kid} is retired: signatures by it are refused from now on.");
    }

    private RedirectToPageResult Done(Errors.Refusal? refusal, string? success)
    {
        if (refusal is null && success is not null) TempData["Flash"] = success;
        else TempData["AdminError"] = refusal?.Message ?? "The change was refused.";
        return RedirectToPage();
    }
}
