using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// A web integration's OAuth client and API keys, and the app's installations, through the services the API uses
/// (<see cref="AppClients"/>, <see cref="AppApiKeys"/>).
/// Secrets and keys are shown once, in the answer to the POST that made them, and never again.
/// </summary>
public sealed class KeysModel(GatehouseDb db, AppAccess access, AppClients clients, AppApiKeys keys, TimeProvider time) : PageModel
{
    public App? App { get; private set; }
    public bool IsMember { get; private set; }
    public OAuthClientInfo? Client { get; private set; }
    public IReadOnlyList<ApiKeyInfo> Keys { get; private set; } = [];
    public IReadOnlyList<InstallationInfo> Installations { get; private set; } = [];
    public string? Error { get; private set; }
    /// <summary>A client secret just made: shown on this answer only.</summary>
    public string? NewSecret { get; private set; }
    /// <summary>An API key just made: shown on this answer only.</summary>
    public CreatedApiKey? NewKey { get; private set; }
    public static IReadOnlyList<string> Scopes => PlatformScopes.All;

    public async Task<IActionResult> OnGetAsync(string app, CancellationToken ct) => await LoadAsync(app, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRegisterClientAsync(string app, string? redirectUris, bool native, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var uris = (redirectUris ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await clients.CreateAsync(HttpContext, app, new CreateOAuthClientRequest(uris, native), ct);
        return await AfterAsync(app, result.Refusal, ct, () => NewSecret = result.Value?.ClientSecret);
    }

    public async Task<IActionResult> OnPostRedirectUrisAsync(string app, string? redirectUris, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var uris = (redirectUris ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await clients.SetRedirectUrisAsync(HttpContext, app, new RedirectUrisRequest(uris), ct);
        return await AfterAsync(app, result.Refusal, ct, () => { });
    }

    public async Task<IActionResult> OnPostRotateSecretAsync(string app, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await clients.RotateSecretAsync(HttpContext, app, ct);
        return await AfterAsync(app, result.Refusal, ct, () => NewSecret = result.Value?.Secret);
    }

    public async Task<IActionResult> OnPostCreateKeyAsync(string app, string? name, string[]? scopes, int? expiresInDays, bool test, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await keys.CreateAsync(HttpContext, app, new CreateApiKeyRequest(name, scopes ?? [], null, expiresInDays, test), ct);
        return await AfterAsync(app, result.Refusal, ct, () => NewKey = result.Value);
    }

    public async Task<IActionResult> OnPostRotateKeyAsync(string app, string? keyId, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await keys.RotateAsync(HttpContext, keyId ?? "", new RotateApiKeyRequest(null), ct);
        return await AfterAsync(app, result.Refusal, ct, () => NewKey = result.Value?.Key);
    }

    public async Task<IActionResult> OnPostRevokeKeyAsync(string app, string? keyId, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await keys.RevokeAsync(HttpContext, keyId ?? "", ct);
        if (result.Refusal is null) TempData["Flash"] = "The API key is revoked.";
        return await AfterAsync(app, result.Refusal, ct, () => { });
    }

    /// <summary>Shows the page again (not a redirect), so a secret made by the POST appears on its answer only.</summary>
    private async Task<IActionResult> AfterAsync(string app, Refusal? refusal, CancellationToken ct, Action onSuccess)
    {
        if (refusal is not null) Error = refusal.Message;
        else onSuccess();
        db.ChangeTracker.Clear();
        return await LoadAsync(app, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string app, CancellationToken ct)
    {
        App = await access.FindAsync(User, app, ct);
        if (App is null) return false;
        IsMember = await access.IsMemberAsync(User, App.OrganizationId, ct);
        Client = (await clients.GetAsync(HttpContext, app, ct)).Value;
        Keys = (await keys.ListAsync(HttpContext, app, ct)).Value ?? [];
        Installations = (await clients.AppInstallationsAsync(HttpContext, app, ct)).Value ?? [];
        return true;
    }

    public bool IsActive(ApiKeyInfo k) => k.RevokedAt is null && k.ExpiresAt > time.GetUtcNow();
}
