using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Credentials across the marketplace: OAuth clients, API keys, the kill switch per app, and the download URL
/// keys. Every change calls the service the JSON API uses (<see cref="AppClients"/>, <see cref="AppApiKeys"/>,
/// <see cref="DownloadIssuer"/>), so the rules and the audit entries are the same.
/// </summary>
public sealed class CredentialsModel(GatehouseDb db, IOpenIddictApplicationManager applications, DownloadIssuer issuer, TimeProvider time) : PageModel
{
    public const int MaxKeys = 500;

    public sealed record ClientRow(string ClientId, string ClientType, string? DisplayName, IReadOnlyList<string> RedirectUris, int ActiveInstallations, App? App);
    public sealed record KeyRow(ApiKey Key, string AppSlug, string AppName, string? TenantName);
    /// <summary><paramref name="Suspensions"/>: the app's active access suspensions (none: not suspended).</summary>
    public sealed record KillRow(App App, bool HasClient, int ActiveKeys, IReadOnlyList<AppAccessSuspension> Suspensions);

    public IReadOnlyList<ClientRow> Clients { get; private set; } = [];
    public IReadOnlyList<KeyRow> Keys { get; private set; } = [];
    public int KeyCount { get; private set; }
    public IReadOnlyList<KillRow> Killable { get; private set; } = [];
    public IReadOnlyList<DownloadKeyInfo> DownloadKeys { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        var apps = await db.Apps.AsNoTracking().ToDictionaryAsync(a => a.Slug, StringComparer.Ordinal, ct);
        var installs = await db.Set<Installation>().AsNoTracking().Where(i => i.UninstalledAt == null)
            .GroupBy(i => i.ClientId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, StringComparer.Ordinal, ct);
        var clients = new List<ClientRow>();
        await foreach (var c in applications.ListAsync(count: null, offset: null, ct))
        {
            var id = await applications.GetClientIdAsync(c, ct) ?? "";
            var type = await applications.GetClientTypeAsync(c, ct) ?? ClientTypes.Confidential;
            clients.Add(new ClientRow(id, type, await applications.GetDisplayNameAsync(c, ct), [.. await applications.GetRedirectUrisAsync(c, ct)],
                installs.GetValueOrDefault(id), apps.GetValueOrDefault(id)));
        }
        Clients = [.. clients.OrderBy(c => c.ClientId, StringComparer.Ordinal)];

        KeyCount = await db.ApiKeys.CountAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).Take(MaxKeys).ToListAsync(ct);
        var appsById = apps.Values.ToDictionary(a => a.Id);
        var tenantIds = keys.Where(k => k.TenantId != null).Select(k => k.TenantId!.Value).Distinct().ToList();
        var tenants = await db.Set<Tenant>().AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        Keys = [.. keys.Select(k => new KeyRow(k, appsById.GetValueOrDefault(k.AppId)?.Slug ?? "(deleted app)", appsById.GetValueOrDefault(k.AppId)?.Name ?? "",
            k.TenantId is { } t ? tenants.GetValueOrDefault(t) : null))];

        var activeKeys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).GroupBy(k => k.AppId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var clientIds = clients.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var suspensions = (await db.Set<AppAccessSuspension>().AsNoTracking().Where(x => x.LiftedAt == null).ToListAsync(ct))
            .GroupBy(x => x.AppId).ToDictionary(g => g.Key, g => (IReadOnlyList<AppAccessSuspension>)[.. g.OrderBy(x => x.SuspendedAt)]);
        Killable = [.. apps.Values.Where(a => clientIds.Contains(a.Slug) || activeKeys.ContainsKey(a.Id) || suspensions.ContainsKey(a.Id))
            .OrderBy(a => a.Slug, StringComparer.Ordinal)
            .Select(a => new KillRow(a, clientIds.Contains(a.Slug), activeKeys.GetValueOrDefault(a.Id), suspensions.GetValueOrDefault(a.Id) ?? []))];

        DownloadKeys = await issuer.ListKeysAsync(ct);
    }

    /// <summary>The kill switch: every token, authorization and API key of the app, revoked now (<see cref="AppAccessGate.KillAsync"/>).</summary>
    public async Task<IActionResult> OnPostKillAsync(string? app, string? reason, [FromServices] AppClients clients, CancellationToken ct)
    {
        var result = await clients.KillAsync(HttpContext, app ?? "", new KillSwitchRequest(reason), ct);
        return Done(result.Refusal, result.Value is { } killed
            ? $"Kill switch pulled for {app}: {killed.Tokens} tokens, {killed.Authorizations} authorizations and {killed.ApiKeys} API keys revoked; its access stays suspended until lifted."
            : null);
    }

    /// <summary>Lifts the app's access suspension, with a reason (<see cref="AppClients.LiftAsync"/>); revoked credentials stay revoked.</summary>
    public async Task<IActionResult> OnPostLiftAsync(string? app, string? reason, [FromServices] AppClients clients, CancellationToken ct)
    {
        var result = await clients.LiftAsync(HttpContext, app ?? "", new LiftSuspensionRequest(reason), ct);
        return Done(result.Refusal, $"Suspension lifted for {app}: it may ask for new tokens and make new API keys; revoked ones stay revoked.");
    }

    /// <summary>Revokes one API key (<see cref="AppApiKeys.RevokeAsync"/>).</summary>
    public async Task<IActionResult> OnPostRevokeKeyAsync(string? keyId, [FromServices] AppApiKeys keys, CancellationToken ct)
    {
        var result = await keys.RevokeAsync(HttpContext, keyId ?? "", ct);
        return Done(result.Refusal, $"API key {keyId} is revoked.");
    }

    /// <summary>A new download URL signing key; the others retire after the overlap (<see cref="DownloadIssuer.RotateKeyAsync"/>).</summary>
    public async Task<IActionResult> OnPostRotateDownloadKeyAsync(int? overlapHours, CancellationToken ct)
    {
        var result = await issuer.RotateKeyAsync(HttpContext, new RotateDownloadKeyRequest(overlapHours), ct);
        return Done(result.Refusal, $"New download signing key {result.Value?.Id}.");
    }

    /// <summary>Retires a download key now: URLs it signed stop working (<see cref="DownloadIssuer.RetireKeyAsync"/>).</summary>
    public async Task<IActionResult> OnPostRetireDownloadKeyAsync(string? keyId, CancellationToken ct)
    {
        var result = await issuer.RetireKeyAsync(HttpContext, keyId ?? "", ct);
        return Done(result.Refusal, $"Download key {keyId} is retired.");
    }

    private RedirectToPageResult Done(Errors.Refusal? refusal, string? success)
    {
        if (refusal is null && success is not null) TempData["Flash"] = success;
        else TempData["AdminError"] = refusal?.Message ?? "The change was refused.";
        return RedirectToPage();
    }
}
