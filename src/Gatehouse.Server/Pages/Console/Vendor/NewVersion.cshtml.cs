using Gatehouse.Server.Apps;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>Creates a version (<see cref="AppRegistry.CreateVersionAsync"/>, as the API does).</summary>
public sealed class NewVersionModel(AppAccess access, AppRegistry registry) : PageModel
{
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public string? Endpoints { get; set; }

    public App? App { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string app, CancellationToken ct)
    {
        App = await access.FindAsync(User, app, ct);
        return App is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(string app, CancellationToken ct)
    {
        App = await access.FindAsync(User, app, ct);
        if (App is null) return NotFound();
        var endpoints = string.IsNullOrWhiteSpace(Endpoints) ? null
            : Endpoints.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => (string?)e).ToList();
        var request = new CreateVersionRequest(Version?.Trim(), string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(), endpoints);
        var result = await registry.CreateVersionAsync(HttpContext, app, request, ct);
        if (result.Refusal is { } refusal)
        {
            Error = refusal.Message;
            return Page();
        }
        var v = result.Value!;
        TempData["Flash"] = $"Version {v.Version} is a draft. Upload the artifact, answer the questionnaire, attest and submit.";
        return Redirect($"/console/vendor/apps/{Uri.EscapeDataString(App.Slug)}/versions/{Uri.EscapeDataString(v.Version)}");
    }
}
