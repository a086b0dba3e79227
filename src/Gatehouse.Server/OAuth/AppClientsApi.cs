using System.Security.Cryptography;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// The OAuth side of an approved web integration: its client (client id = the app's slug), redirect URIs,
/// secret, lifecycle webhook and installations; tenant admins list and uninstall; staff pull the kill switch.
/// Docs: docs/oauth.md.
/// </summary>
public static class AppClientsApi
{
    public static IEndpointRouteBuilder MapAppClientsApi(this IEndpointRouteBuilder app)
    {
        var byApp = app.MapGroup("/api/apps/{app}").WithTags("OAuth clients");
        byApp.MapGet("/oauth-client", Get).RequireAuthorization(Policies.Read).WithName("GetOAuthClient").WithSummary("Get an app's OAuth client.");
        byApp.MapPost("/oauth-client", Create).RequireAuthorization(Policies.Write).WithName("CreateOAuthClient").WithSummary("Create an app's OAuth client.");
        byApp.MapPut("/oauth-client/redirect-uris", SetRedirectUris).RequireAuthorization(Policies.Write).WithName("SetOAuthRedirectUris").WithSummary("Set an OAuth client's redirect URIs.");
        byApp.MapPost("/oauth-client/rotate-secret", RotateSecret).RequireAuthorization(Policies.Write).WithName("RotateOAuthClientSecret").WithSummary("Replace an OAuth client's secret.");
        byApp.MapPut("/lifecycle-webhook", SetWebhook).RequireAuthorization(Policies.Write).WithName("SetLifecycleWebhook").WithSummary("Set an app's lifecycle webhook.");
        byApp.MapGet("/installations", AppInstallations).RequireAuthorization(Policies.Read).WithName("ListAppInstallations").WithSummary("List the tenants that installed an app.");
        byApp.MapPost("/kill-switch", Kill).RequireAuthorization(Policies.Staff).WithName("SuspendAppAccess").WithSummary("Suspend an app's access and revoke its tokens now.");
        byApp.MapGet("/kill-switch", KillSwitchState).RequireAuthorization(Policies.Read).WithName("GetAppAccessSuspension").WithSummary("Get whether an app's access is suspended.");
        byApp.MapPost("/kill-switch/lift", Lift).RequireAuthorization(Policies.Staff).WithName("LiftAppAccessSuspension").WithSummary("Lift an app's access suspension.");
        var byTenant = app.MapGroup("/api/tenants/{tenantId:guid}/installations").WithTags("OAuth clients");
        byTenant.MapGet("/", TenantInstallations).RequireAuthorization(Policies.Read).WithName("ListTenantInstallations").WithSummary("List a tenant's installed apps.");
        byTenant.MapDelete("/{installationId:guid}", Uninstall).RequireAuthorization(Policies.Write).WithName("UninstallApp").WithSummary("Uninstall an app from a tenant.");
        return app;
    }

    public static async Task<Results<Ok<OAuthClientInfo>, ProblemHttpResult>> Get(
        string app, HttpContext http, AppAccess access, IOpenIddictApplicationManager applications, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        var client = await applications.FindByClientIdAsync(a.Slug, ct);
        if (client is null) return Problems.NotFound("OAuth client");
        return TypedResults.Ok(await InfoAsync(a, client, applications, db, ct));
    }

    /// <summary>Creates the app's client. The app must be a web integration with an approved or published version.</summary>
    public static async Task<Results<Created<CreatedOAuthClient>, ProblemHttpResult>> Create(
        string app, CreateOAuthClientRequest request, HttpContext http, AppAccess access, GatehouseDb db,
        IOpenIddictApplicationManager applications, AuditLog audit, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Problems.Forbidden("Only members of the app's organisation register its OAuth client.");
        if (a.Type != AppTypes.WebIntegration) return Problems.Invalid("only web integrations get an OAuth client");
        if (!await db.AppVersions.AnyAsync(v => v.AppId == a.Id && (v.State == VersionStates.Approved || v.State == VersionStates.Published), ct))
            return Problems.Conflict("the app needs an approved version before it gets an OAuth client");
        if (RedirectUris.Check(request.RedirectUris, request.Native) is { } bad) return Problems.Invalid(bad);
        if (await applications.FindByClientIdAsync(a.Slug, ct) is not null) return Problems.Conflict("the app already has an OAuth client");

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
        await applications.CreateAsync(d, ct);
        await audit.AppendAsync(AuditEvent.By(http, OAuthAuditActions.ClientCreated, a.OrganizationId.ToString(), a.Slug,
            new { redirectUris = request.RedirectUris, native = request.Native }), ct);
        var client = (await applications.FindByClientIdAsync(a.Slug, ct))!;
        return TypedResults.Created($"/api/apps/{a.Slug}/oauth-client",
            new CreatedOAuthClient(await InfoAsync(a, client, applications, db, ct), secret));
    }

    public static async Task<Results<Ok<OAuthClientInfo>, ProblemHttpResult>> SetRedirectUris(
        string app, RedirectUrisRequest request, HttpContext http, AppAccess access, GatehouseDb db,
        IOpenIddictApplicationManager applications, AuditLog audit, CancellationToken ct)
    {
        var (a, client, problem) = await OwnClientAsync(app, http, access, applications, ct);
        if (problem is not null) return problem;
        var native = await applications.HasClientTypeAsync(client!, ClientTypes.Public, ct);
        if (RedirectUris.Check(request.RedirectUris, native) is { } bad) return Problems.Invalid(bad);
        var d = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(d, client!, ct);
        d.RedirectUris.Clear();
        foreach (var u in request.RedirectUris!) d.RedirectUris.Add(new Uri(u));
        await applications.UpdateAsync(client!, d, ct);
        await audit.AppendAsync(AuditEvent.By(http, OAuthAuditActions.ClientUpdated, a!.OrganizationId.ToString(), a.Slug,
            new { redirectUris = request.RedirectUris }), ct);
        return TypedResults.Ok(await InfoAsync(a, client!, applications, db, ct));
    }

    /// <summary>A new client secret; the old one stops working at once (OpenIddict keeps one secret per client).</summary>
    public static async Task<Results<Ok<ClientSecret>, ProblemHttpResult>> RotateSecret(
        string app, HttpContext http, AppAccess access, IOpenIddictApplicationManager applications, AuditLog audit, CancellationToken ct)
    {
        var (a, client, problem) = await OwnClientAsync(app, http, access, applications, ct);
        if (problem is not null) return problem;
        if (await applications.HasClientTypeAsync(client!, ClientTypes.Public, ct)) return Problems.Invalid("a native (public) client has no secret");
        var secret = NewSecret();
        var d = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(d, client!, ct);
        d.ClientSecret = secret;
        await applications.UpdateAsync(client!, d, ct);
        await audit.AppendAsync(AuditEvent.By(http, OAuthAuditActions.ClientSecretRotated, a!.OrganizationId.ToString(), a.Slug), ct);
        return TypedResults.Ok(new ClientSecret(a.Slug, secret));
    }

    /// <summary>Sets (or replaces) the app's lifecycle webhook; the signing secret is shown once.</summary>
    public static async Task<Results<Ok<LifecycleWebhookCreated>, ProblemHttpResult>> SetWebhook(
        string app, LifecycleWebhookRequest request, HttpContext http, AppAccess access, GatehouseDb db, WebhookAddressGuard guard,
        WebhookSigning signing, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Problems.Forbidden("Only members of the app's organisation set its lifecycle webhook.");
        if (a.Type != AppTypes.WebIntegration) return Problems.Invalid("only web integrations have a lifecycle webhook");
        if (guard.CheckUrlForm(request.Url, out var uri) is { } bad) return Problems.Invalid(bad);
        try
        {
            await guard.ResolveAllowedAsync(uri!.IdnHost, ct);
        }
        catch (WebhookRefusedException ex)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, ProblemCodes.WebhookUrlRefused, "Gatehouse will not call this URL", ex.Message);
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
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, OAuthAuditActions.LifecycleWebhookSet, a.OrganizationId.ToString(), a.Slug,
            new { url = hook.Url, replaced = old.Count }), ct);
        return TypedResults.Ok(new LifecycleWebhookCreated(hook.Id, hook.Url, AppEvents.All, secret));
    }

    public static async Task<Results<Ok<List<InstallationInfo>>, ProblemHttpResult>> AppInstallations(
        string app, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        var rows = await db.Set<Installation>().AsNoTracking().Where(i => i.AppId == a.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(i => i.InstalledAt).Select(InstallationInfo.From).ToList());
    }

    public static async Task<Results<Ok<List<InstallationInfo>>, ProblemHttpResult>> TenantInstallations(
        Guid tenantId, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await TenantAdmin.IsAsync(db, tenantId, http.User.Id(), ct) && !await access.ActsAsStaffAsync(http.User)) return Problems.NotFound("Tenant");
        var rows = await db.Set<Installation>().AsNoTracking().Where(i => i.TenantId == tenantId).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(i => i.InstalledAt).Select(InstallationInfo.From).ToList());
    }

    /// <summary>A tenant admin (or staff) uninstalls: the installation's tokens stop working at once and the app is told.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Uninstall(
        Guid tenantId, Guid installationId, HttpContext http, AppAccess access, GatehouseDb db, AppAccessGate gate, CancellationToken ct)
    {
        if (!await TenantAdmin.IsAsync(db, tenantId, http.User.Id(), ct) && !await access.ActsAsStaffAsync(http.User)) return Problems.NotFound("Installation");
        var installation = await db.Set<Installation>().FirstOrDefaultAsync(i => i.Id == installationId && i.TenantId == tenantId, ct);
        if (installation is null) return Problems.NotFound("Installation");
        if (installation.UninstalledAt is null)
            await gate.UninstallAsync(installation, http.User.Id(), http.Connection.RemoteIpAddress?.ToString(), ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Whether the app's access is suspended, by whom, when and why, and the suspensions lifted before (newest first).
    /// Members of the app's organisation and staff see it.
    /// </summary>
    public static async Task<Results<Ok<AccessSuspensionState>, ProblemHttpResult>> KillSwitchState(
        string app, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        return TypedResults.Ok(await AccessSuspensionState.LoadAsync(db, a, ct));
    }

    /// <summary>
    /// Staff lift the app's access suspension, with a reason (audited as <c>oauth.access-restored</c>). Revoked tokens and
    /// keys stay revoked. Like an approval, a member of the app's organisation may not lift it.
    /// </summary>
    public static async Task<Results<Ok<AccessSuspensionState>, ProblemHttpResult>> Lift(
        string app, LiftSuspensionRequest? request, HttpContext http, AppAccess access, AppAccessGate gate, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        if (!await access.ActsAsStaffAsync(http.User)) return Problems.Forbidden("Only a reviewer or admin lifts a suspension.");
        if (await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Problems.Of(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
                "A member of the app's organisation may not lift its suspension.");
        var reason = request?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return Problems.Invalid("reason is required: say why the app may have its access back");
        if (reason.Length > 1000) return Problems.Invalid("reason: at most 1000 characters");
        if (await gate.LiftAsync(a, reason, http.User.Id(), http.Connection.RemoteIpAddress?.ToString(), ct) == 0)
            return Problems.Conflict("the app's access is not suspended");
        return TypedResults.Ok(await AccessSuspensionState.LoadAsync(db, a, ct));
    }

    /// <summary>Staff: suspend the app's access (until lifted) and revoke every token, authorization and API key of the app now, without a lifecycle move.</summary>
    public static async Task<Results<Ok<KillSwitchResult>, ProblemHttpResult>> Kill(
        string app, KillSwitchRequest? request, HttpContext http, AppAccess access, AppAccessGate gate, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "manual" : request.Reason.Trim();
        if (reason.Length > 500) return Problems.Invalid("reason: at most 500 characters");
        return TypedResults.Ok(await gate.KillAsync(a, reason, http.User.Id(), ct));
    }

    private static async Task<(App?, object?, ProblemHttpResult?)> OwnClientAsync(string app, HttpContext http, AppAccess access,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return (null, null, Problems.NotFound("App"));
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return (null, null, Problems.Forbidden("Only members of the app's organisation manage its OAuth client."));
        var client = await applications.FindByClientIdAsync(a.Slug, ct);
        return client is null ? (null, null, Problems.NotFound("OAuth client")) : (a, client, null);
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

    private static async Task<OAuthClientInfo> InfoAsync(App a, object client, IOpenIddictApplicationManager applications, GatehouseDb db, CancellationToken ct)
    {
        var redirects = await applications.GetRedirectUrisAsync(client, ct);
        var native = await applications.HasClientTypeAsync(client, ClientTypes.Public, ct);
        var hook = await db.WebhookEndpoints.AsNoTracking().Where(w => w.AppId == a.Id && w.Active).Select(w => w.Url).FirstOrDefaultAsync(ct);
        var installs = await db.Set<Installation>().CountAsync(i => i.AppId == a.Id && i.UninstalledAt == null, ct);
        return new OAuthClientInfo(a.Slug, native ? ClientTypes.Public : ClientTypes.Confidential, [.. redirects],
            [.. OAuthScopes.All], hook, installs);
    }
}

public sealed record CreateOAuthClientRequest(IReadOnlyList<string>? RedirectUris, bool Native = false);
public sealed record RedirectUrisRequest(IReadOnlyList<string>? RedirectUris);
public sealed record LifecycleWebhookRequest(string? Url);
public sealed record KillSwitchRequest(string? Reason);
public sealed record LiftSuspensionRequest(string? Reason);

/// <summary>One suspension of an app's access (<see cref="AppAccessSuspension"/>).</summary>
public sealed record AccessSuspensionInfo(Guid Id, string Source, Guid? VersionId, string Reason, string SuspendedBy, DateTimeOffset SuspendedAt,
    DateTimeOffset? LiftedAt, string? LiftedBy, string? LiftReason)
{
    public static AccessSuspensionInfo From(AppAccessSuspension s) =>
        new(s.Id, s.Source, s.VersionId, s.Reason, s.SuspendedBy, s.SuspendedAt, s.LiftedAt, s.LiftedBy, s.LiftReason);
}

/// <summary><see cref="Suspended"/> while any suspension is <see cref="Active"/>; <see cref="Lifted"/> is the history (at most 50, newest first).</summary>
public sealed record AccessSuspensionState(string App, bool Suspended, IReadOnlyList<AccessSuspensionInfo> Active, IReadOnlyList<AccessSuspensionInfo> Lifted)
{
    public static async Task<AccessSuspensionState> LoadAsync(GatehouseDb db, App app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(app);
        var rows = db.Set<AppAccessSuspension>().AsNoTracking().Where(s => s.AppId == app.Id);
        var active = await rows.Where(s => s.LiftedAt == null).OrderBy(s => s.SuspendedAt).ToListAsync(ct);
        var lifted = await rows.Where(s => s.LiftedAt != null).OrderByDescending(s => s.LiftedAt).ThenByDescending(s => s.SuspendedAt).Take(50).ToListAsync(ct);
        return new AccessSuspensionState(app.Slug, active.Count > 0, [.. active.Select(AccessSuspensionInfo.From)], [.. lifted.Select(AccessSuspensionInfo.From)]);
    }
}
public sealed record OAuthClientInfo(string ClientId, string ClientType, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Scopes,
    string? LifecycleWebhookUrl, int ActiveInstallations);
/// <summary><see cref="ClientSecret"/> is shown once; null for native (public) clients.</summary>
public sealed record CreatedOAuthClient(OAuthClientInfo Client, string? ClientSecret);
public sealed record ClientSecret(string ClientId, string Secret);
public sealed record LifecycleWebhookCreated(Guid Id, string Url, IReadOnlyList<string> Events, string Secret);
public sealed record InstallationInfo(Guid Id, Guid TenantId, string ClientId, IReadOnlyList<string> Scopes, string InstalledBy,
    DateTimeOffset InstalledAt, DateTimeOffset? UninstalledAt)
{
    public static InstallationInfo From(Installation i) => new(i.Id, i.TenantId, i.ClientId, i.ScopeList, i.InstalledBy, i.InstalledAt, i.UninstalledAt);
}
