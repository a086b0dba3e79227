using System.Security.Cryptography;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The rules for an approved web integration's OAuth side: who registers its client (client id = the app's slug) and
/// manages redirect URIs, secret and lifecycle webhook (members only), who lists and uninstalls installations (tenant
/// admins and staff), and who pulls or lifts the kill switch (staff; lifting never by a member). Docs: docs/oauth.md.
/// The API and the console both call it.
/// </summary>
public sealed class AppClients(AppAccess access, GatehouseDb db, IOpenIddictApplicationManager applications, AppAccessGate gate,
    WebhookAddressGuard guard, WebhookSigning signing, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<OAuthClientInfo>> GetAsync(HttpContext http, string app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        var client = await applications.FindByClientIdAsync(a.Slug, ct);
        if (client is null) return Refusal.NotFound("OAuth client");
        return await InfoAsync(a, client, ct);
    }

    /// <summary>Creates the app's client. The app must be a web integration with an approved or published version.</summary>
    public async Task<Outcome<CreatedOAuthClient>> CreateAsync(HttpContext http, string app, CreateOAuthClientRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Refusal.Forbidden("Only members of the app's organisation register its OAuth client.");
        if (a.Type != AppTypes.WebIntegration) return Refusal.Invalid("only web integrations get an OAuth client");
        if (!await db.AppVersions.AnyAsync(v => v.AppId == a.Id && (v.State == VersionStates.Approved || v.State == VersionStates.Published), ct))
            return Refusal.Conflict("the app needs an approved version before it gets an OAuth client");
        if (RedirectUris.Check(request.RedirectUris, request.Native) is { } bad) return Refusal.Invalid(bad);
        if (await applications.FindByClientIdAsync(a.Slug, ct) is not null) return Refusal.Conflict("the app already has an OAuth client");

        var secret = request.Native ? null : NewSecret();
        var d = new OpenIddictApplicationDescriptor
        {
            ClientId = a.Slug, DisplayName = a.Name, ClientSecret = secret,
            ClientType = request.Native ? ClientTypes.Public : ClientTypes.Confidential,
            ApplicationType = request.Native ? ApplicationTypes.Native : ApplicationTypes.Web,
            ConsentType = ConsentTypes.Explicit,
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var u in request.RedirectUris!) d.RedirectUris.Add(new Uri(u));
        Permit(d, request.Native);
        // OpenIddict's store saves through this request's GatehouseDb: the client and its audit entry commit together (issue 14).
        await db.InTransactionAsync(async () =>
        {
            await applications.CreateAsync(d, ct);
            audit.Record(db, AuditEvent.By(http, OAuthAuditActions.ClientCreated, a.OrganizationId.ToString(), a.Slug,
                new { redirectUris = request.RedirectUris, native = request.Native }));
            await db.SaveChangesAsync(ct);
        }, ct);
        var client = (await applications.FindByClientIdAsync(a.Slug, ct))!;
        return new CreatedOAuthClient(await InfoAsync(a, client, ct), secret);
    }

    public async Task<Outcome<OAuthClientInfo>> SetRedirectUrisAsync(HttpContext http, string app, RedirectUrisRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (a, client, problem) = await OwnClientAsync(app, http, ct);
        if (problem is not null) return problem;
        var native = await applications.HasClientTypeAsync(client!, ClientTypes.Public, ct);
        if (RedirectUris.Check(request.RedirectUris, native) is { } bad) return Refusal.Invalid(bad);
        var d = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(d, client!, ct);
        d.RedirectUris.Clear();
        foreach (var u in request.RedirectUris!) d.RedirectUris.Add(new Uri(u));
        await db.InTransactionAsync(async () =>
        {
            await applications.UpdateAsync(client!, d, ct);
            audit.Record(db, AuditEvent.By(http, OAuthAuditActions.ClientUpdated, a!.OrganizationId.ToString(), a.Slug,
                new { redirectUris = request.RedirectUris }));
            await db.SaveChangesAsync(ct);
        }, ct);
        return await InfoAsync(a!, client!, ct);
    }

    /// <summary>A new client secret; the old one stops working at once (OpenIddict keeps one secret per client).</summary>
    public async Task<Outcome<ClientSecret>> RotateSecretAsync(HttpContext http, string app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (a, client, problem) = await OwnClientAsync(app, http, ct);
        if (problem is not null) return problem;
        if (await applications.HasClientTypeAsync(client!, ClientTypes.Public, ct)) return Refusal.Invalid("a native (public) client has no secret");
        var secret = NewSecret();
        var d = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(d, client!, ct);
        d.ClientSecret = secret;
        await db.InTransactionAsync(async () =>
        {
            await applications.UpdateAsync(client!, d, ct);
            audit.Record(db, AuditEvent.By(http, OAuthAuditActions.ClientSecretRotated, a!.OrganizationId.ToString(), a.Slug));
            await db.SaveChangesAsync(ct);
        }, ct);
        return new ClientSecret(a!.Slug, secret);
    }

    /// <summary>Sets (or replaces) the app's lifecycle webhook; the signing secret is shown once.</summary>
    public async Task<Outcome<LifecycleWebhookCreated>> SetWebhookAsync(HttpContext http, string app, LifecycleWebhookRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Refusal.Forbidden("Only members of the app's organisation set its lifecycle webhook.");
        if (a.Type != AppTypes.WebIntegration) return Refusal.Invalid("only web integrations have a lifecycle webhook");
        if (guard.CheckUrlForm(request.Url, out var uri) is { } bad) return Refusal.Invalid(bad);
        try
        {
            await guard.ResolveAllowedAsync(uri!.IdnHost, ct);
        }
        catch (WebhookRefusedException ex)
        {
            return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.WebhookUrlRefused, "Gatehouse will not call this URL", ex.Message);
        }
        var now = time.GetUtcNow();
        var old = await db.WebhookEndpoints.Where(w => w.AppId == a.Id).ToListAsync(ct);
        db.WebhookEndpoints.RemoveRange(old);
        var (secret, protectedSecret) = signing.NewSecret();
        var hook = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(now), OrganizationId = a.OrganizationId, AppId = a.Id, Url = uri!.AbsoluteUri,
            ProtectedSecret = protectedSecret, Events = string.Join(",", AppEvents.All), Active = true, CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.WebhookEndpoints.Add(hook);
        audit.Record(db, AuditEvent.By(http, OAuthAuditActions.LifecycleWebhookSet, a.OrganizationId.ToString(), a.Slug,
            new { url = hook.Url, replaced = old.Count }));
        await db.SaveChangesAsync(ct);
        return new LifecycleWebhookCreated(hook.Id, hook.Url, AppEvents.All, secret);
    }

    public async Task<Outcome<List<InstallationInfo>>> AppInstallationsAsync(HttpContext http, string app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        var rows = await db.Set<Installation>().AsNoTracking().Where(i => i.AppId == a.Id).ToListAsync(ct);
        return rows.OrderByDescending(i => i.InstalledAt).Select(InstallationInfo.From).ToList();
    }

    public async Task<Outcome<List<InstallationInfo>>> TenantInstallationsAsync(HttpContext http, Guid tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!await TenantAdmin.IsAsync(db, tenantId, http.User.Id(), ct) && !await access.ActsAsStaffAsync(http.User)) return Refusal.NotFound("Tenant");
        var rows = await db.Set<Installation>().AsNoTracking().Where(i => i.TenantId == tenantId).ToListAsync(ct);
        return rows.OrderByDescending(i => i.InstalledAt).Select(InstallationInfo.From).ToList();
    }

    /// <summary>A tenant admin (or staff) uninstalls: the installation's tokens stop working at once and the app is told.</summary>
    public async Task<Outcome<Completed>> UninstallAsync(HttpContext http, Guid tenantId, Guid installationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!await TenantAdmin.IsAsync(db, tenantId, http.User.Id(), ct) && !await access.ActsAsStaffAsync(http.User)) return Refusal.NotFound("Installation");
        var installation = await db.Set<Installation>().FirstOrDefaultAsync(i => i.Id == installationId && i.TenantId == tenantId, ct);
        if (installation is null) return Refusal.NotFound("Installation");
        if (installation.UninstalledAt is null)
            await gate.UninstallAsync(installation, http.User.Id(), http.Connection.RemoteIpAddress?.ToString(), ct);
        return Completed.Instance;
    }

    /// <summary>
    /// Whether the app's access is suspended, by whom, when and why, and the suspensions lifted before (newest first).
    /// Members of the app's organisation and staff see it.
    /// </summary>
    public async Task<Outcome<AccessSuspensionState>> KillSwitchStateAsync(HttpContext http, string app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        return await AccessSuspensionState.LoadAsync(db, a, ct);
    }

    /// <summary>
    /// Staff lift the app's access suspension, with a reason (audited as <c>oauth.access-restored</c>). Revoked tokens and
    /// keys stay revoked. Like an approval, a member of the app's organisation may not lift it.
    /// </summary>
    public async Task<Outcome<AccessSuspensionState>> LiftAsync(HttpContext http, string app, LiftSuspensionRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        if (!await access.ActsAsStaffAsync(http.User)) return Refusal.Forbidden("Only a reviewer or admin lifts a suspension.");
        if (await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return new Refusal(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
                "A member of the app's organisation may not lift its suspension.");
        var reason = request?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return Refusal.Invalid("reason is required: say why the app may have its access back");
        if (reason.Length > 1000) return Refusal.Invalid("reason: at most 1000 characters");
        if (await gate.LiftAsync(a, reason, http.User.Id(), http.Connection.RemoteIpAddress?.ToString(), ct) == 0)
            return Refusal.Conflict("the app's access is not suspended");
        return await AccessSuspensionState.LoadAsync(db, a, ct);
    }

    /// <summary>Staff: suspend the app's access (until lifted) and revoke every token, authorization and API key of the app now, without a lifecycle move.</summary>
    public async Task<Outcome<KillSwitchResult>> KillAsync(HttpContext http, string app, KillSwitchRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "manual" : request.Reason.Trim();
        if (reason.Length > 500) return Refusal.Invalid("reason: at most 500 characters");
        return await gate.KillAsync(a, reason, http.User.Id(), ct);
    }

    private async Task<(App?, object?, Refusal?)> OwnClientAsync(string app, HttpContext http, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return (null, null, Refusal.NotFound("App"));
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return (null, null, Refusal.Forbidden("Only members of the app's organisation manage its OAuth client."));
        var client = await applications.FindByClientIdAsync(a.Slug, ct);
        return client is null ? (null, null, Refusal.NotFound("OAuth client")) : (a, client, null);
    }

    private static void Permit(OpenIddictApplicationDescriptor d, bool native)
    {
        d.Permissions.UnionWith([
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.Endpoints.PushedAuthorization,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            Permissions.Prefixes.Resource + OAuthSetup.PlatformResource,
        ]);
        // Only a confidential client can prove who it is without a user: client credentials and introspection.
        if (!native) d.Permissions.UnionWith([Permissions.GrantTypes.ClientCredentials, Permissions.Endpoints.Introspection]);
        foreach (var s in OAuthScopes.All) d.Permissions.Add(Permissions.Prefixes.Scope + s);
    }

    private static string NewSecret() => "ghs_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task<OAuthClientInfo> InfoAsync(App a, object client, CancellationToken ct)
    {
        var redirects = await applications.GetRedirectUrisAsync(client, ct);
        var native = await applications.HasClientTypeAsync(client, ClientTypes.Public, ct);
        var hook = await db.WebhookEndpoints.AsNoTracking().Where(w => w.AppId == a.Id && w.Active).Select(w => w.Url).FirstOrDefaultAsync(ct);
        var installs = await db.Set<Installation>().CountAsync(i => i.AppId == a.Id && i.UninstalledAt == null, ct);
        return new OAuthClientInfo(a.Slug, native ? ClientTypes.Public : ClientTypes.Confidential, [.. redirects],
            [.. OAuthScopes.All], hook, installs);
    }
}
