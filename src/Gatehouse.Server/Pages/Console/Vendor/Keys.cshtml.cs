using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// A web integration's OAuth client and API keys, and the app's installations, through the API's handlers.
/// Secrets and keys are shown once, in the answer to the POST that made them, and never again.
/// </summary>
public sealed class KeysModel(
    GatehouseDb db, AppAccess access, IOpenIddictApplicationManager applications, ApiKeyService keys, AuditLog audit, TimeProvider time) : PageModel
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
        var result = await AppClientsApi.Create(app, new CreateOAuthClientRequest(uris, native), HttpContext, access, db, applications, audit, ct);
        return await AfterAsync(app, result.Result, ct, () => NewSecret = ApiOutcome.Value<CreatedOAuthClient>(result.Result)?.ClientSecret);
    }

    public async Task<IActionResult> OnPostRedirectUrisAsync(string app, string? redirectUris, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var uris = (redirectUris ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await AppClientsApi.SetRedirectUris(app, new RedirectUrisRequest(uris), HttpContext, access, db, applications, audit, ct);
        return await AfterAsync(app, result.Result, ct, () => { });
    }

    public async Task<IActionResult> OnPostRotateSecretAsync(string app, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await AppClientsApi.RotateSecret(app, HttpContext, access, applications, audit, ct);
        return await AfterAsync(app, result.Result, ct, () => NewSecret = ApiOutcome.Value<ClientSecret>(result.Result)?.Secret);
    }

    public async Task<IActionResult> OnPostCreateKeyAsync(string app, string? name, string[]? scopes, int? expiresInDays, bool test,
        [FromServices] AppAccessGate gate, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await ApiKeysApi.Create(app, new CreateApiKeyRequest(name, scopes ?? [], null, expiresInDays, test), HttpContext, access, keys, audit, db, gate, ct);
        return await AfterAsync(app, result.Result, ct, () => NewKey = ApiOutcome.Value<CreatedApiKey>(result.Result));
    }

    public async Task<IActionResult> OnPostRotateKeyAsync(string app, string? keyId, [FromServices] AppAccessGate gate, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await ApiKeysApi.Rotate(keyId ?? "", new RotateApiKeyRequest(null), HttpContext, access, db, keys, audit, time, gate, ct);
        return await AfterAsync(app, result.Result, ct, () => NewKey = ApiOutcome.Value<CreatedApiKey>(result.Result));
    }

    public async Task<IActionResult> OnPostRevokeKeyAsync(string app, string? keyId, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is null) return NotFound();
        var result = await ApiKeysApi.Revoke(keyId ?? "", HttpContext, access, db, audit, time, ct);
        if (ApiOutcome.Problem(result.Result) is null) TempData["Flash"] = "The API key is revoked.";
        return await AfterAsync(app, result.Result, ct, () => { });
    }

    /// <summary>Shows the page again (not a redirect), so a secret made by the POST appears on its answer only.</summary>
    private async Task<IActionResult> AfterAsync(string app, IResult result, CancellationToken ct, Action onSuccess)
    {
        if (ApiOutcome.Problem(result) is { } problem) Error = ApiOutcome.Message(problem);
        else onSuccess();
        db.ChangeTracker.Clear();
        return await LoadAsync(app, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string app, CancellationToken ct)
    {
        App = await access.FindAsync(User, app, ct);
        if (App is null) return false;
        IsMember = await access.IsMemberAsync(User, App.OrganizationId, ct);
        Client = ApiOutcome.Value<OAuthClientInfo>((await AppClientsApi.Get(app, HttpContext, access, applications, db, ct)).Result);
        Keys = ApiOutcome.Value<List<ApiKeyInfo>>((await ApiKeysApi.List(app, HttpContext, access, db, ct)).Result) ?? [];
        Installations = ApiOutcome.Value<List<InstallationInfo>>((await AppClientsApi.AppInstallations(app, HttpContext, access, db, ct)).Result) ?? [];
        return true;
    }

    public bool IsActive(ApiKeyInfo k) => k.RevokedAt is null && k.ExpiresAt > time.GetUtcNow();
}
