using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Credentials across the marketplace: OAuth clients, API keys, the kill switch per app, and the download URL
/// keys. Every change calls the JSON API's own handler (<see cref="AppClientsApi.Kill"/>, <see cref="ApiKeysApi.Revoke"/>,
/// <see cref="DownloadsApi.RotateKey"/>, <see cref="DownloadsApi.RetireKey"/>), so the rules and the audit entries are the same.
/// </summary>
public sealed class CredentialsModel(GatehouseDb db, IOpenIddictApplicationManager applications, DownloadKeyRing ring, TimeProvider time) : PageModel
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

        DownloadKeys = (await DownloadsApi.ListKeys(ring, time, ct)).Value!;
    }

    /// <summary>The kill switch: every token, authorization and API key of the app, revoked now (<see cref="AppAccessGate.KillAsync"/>).</summary>
    public async Task<IActionResult> OnPostKillAsync(string? app, string? reason, [FromServices] AppAccess access, [FromServices] AppAccessGate gate, CancellationToken ct)
    {
        var result = await AppClientsApi.Kill(app ?? "", new KillSwitchRequest(reason), HttpContext, access, gate, ct);
        return Done(result.Result, r => r is Ok<KillSwitchResult> ok
            ? $"Kill switch pulled for {app}: {ok.Value!.Tokens} tokens, {ok.Value.Authorizations} authorizations and {ok.Value.ApiKeys} API keys revoked; its access stays suspended until lifted."
            : null);
    }

    /// <summary>Lifts the app's access suspension, with a reason (<see cref="AppClientsApi.Lift"/>); revoked credentials stay revoked.</summary>
    public async Task<IActionResult> OnPostLiftAsync(string? app, string? reason, [FromServices] AppAccess access, [FromServices] AppAccessGate gate, CancellationToken ct)
    {
        var result = await AppClientsApi.Lift(app ?? "", new LiftSuspensionRequest(reason), HttpContext, access, gate, db, ct);
        return Done(result.Result, r => r is Ok<AccessSuspensionState>
            ? $"Suspension lifted for {app}: it may ask for new tokens and make new API keys; revoked ones stay revoked."
            : null);
    }

    /// <summary>Revokes one API key (<see cref="ApiKeysApi.Revoke"/>).</summary>
    public async Task<IActionResult> OnPostRevokeKeyAsync(string? keyId, [FromServices] AppAccess access, [FromServices] AuditLog audit, CancellationToken ct)
    {
        var result = await ApiKeysApi.Revoke(keyId ?? "", HttpContext, access, db, audit, time, ct);
        return Done(result.Result, r => r is NoContent ? $"API key {keyId} is revoked." : null);
    }

    /// <summary>A new download URL signing key; the others retire after the overlap (<see cref="DownloadsApi.RotateKey"/>).</summary>
    public async Task<IActionResult> OnPostRotateDownloadKeyAsync(int? overlapHours, [FromServices] IOptions<DownloadOptions> options, [FromServices] AuditLog audit, CancellationToken ct)
    {
        var result = await DownloadsApi.RotateKey(new RotateDownloadKeyRequest(overlapHours), HttpContext, ring, options, audit, ct);
        return Done(result.Result, r => r is Ok<DownloadKeyRotated> ok ? $"New download signing key {ok.Value!.Id}." : null);
    }

    /// <summary>Retires a download key now: URLs it signed stop working (<see cref="DownloadsApi.RetireKey"/>).</summary>
    public async Task<IActionResult> OnPostRetireDownloadKeyAsync(string? keyId, [FromServices] AuditLog audit, CancellationToken ct)
    {
        var result = await DownloadsApi.RetireKey(keyId ?? "", HttpContext, ring, audit, ct);
        return Done(result.Result, r => r is NoContent ? $"Download key {keyId} is retired." : null);
    }

    private RedirectToPageResult Done(IResult result, Func<IResult, string?> success)
    {
        if (success(result) is { } message) TempData["Flash"] = message;
        else TempData["AdminError"] = ApiOutcome.MessageOf(result) ?? "The change was refused.";
        return RedirectToPage();
    }
}
