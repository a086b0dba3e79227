using System.Collections.Immutable;
using System.Security.Claims;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// What an app may reach on the platform, and the kill switch. An app reaches tenant data only while it is
/// <em>live</em> (one of its versions is published) and installed in the tenant. Every token of an
/// installation hangs off one OpenIddict authorization, so uninstalling revokes that authorization and its
/// tokens at once; quarantining, suspending or delisting a version revokes every token, authorization and
/// API key of the app. Docs: docs/oauth.md, "Kill switch".
/// </summary>
public sealed class AppAccessGate(
    GatehouseDb db, TimeProvider time, AuditLog audit, Notifier notifier,
    IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
    ILogger<AppAccessGate> logger)
{
    /// <summary>True when the app has a published version (quarantine, suspension and delisting end this).</summary>
    public Task<bool> IsLiveAsync(Guid appId, CancellationToken ct) =>
        db.AppVersions.AnyAsync(v => v.AppId == appId && v.State == VersionStates.Published, ct);

    /// <summary>
    /// Null when <paramref name="clientId"/> may get tokens; otherwise why not. Clients that belong to no app
    /// (registered by staff, e.g. for first-party tools) are not gated by a lifecycle.
    /// </summary>
    public async Task<string?> RefusalAsync(string clientId, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().Where(a => a.Slug == clientId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (app is null) return null;
        return await IsLiveAsync(app.Value, ct) ? null : "The app has no published version (it may be quarantined, suspended or delisted).";
    }

    /// <summary>
    /// The installation's authorization, valid and ready to carry tokens. Creates a fresh permanent
    /// authorization when there is none or the kill switch revoked the old one (the app was reinstated).
    /// </summary>
    public async Task<string> EnsureAuthorizationAsync(Installation installation, ClaimsIdentity identity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        if (installation.AuthorizationId is { } id && await authorizations.FindByIdAsync(id, ct) is { } existing
            && await authorizations.HasStatusAsync(existing, Statuses.Valid, ct))
            return id;
        var application = await applications.FindByClientIdAsync(installation.ClientId, ct)
            ?? throw new InvalidOperationException($"no OAuth client {installation.ClientId}");
        var created = await authorizations.CreateAsync(new ClaimsPrincipal(identity), SubjectOf(installation),
            (await applications.GetIdAsync(application, ct))!, AuthorizationTypes.Permanent, installation.ScopeList.ToImmutableArray(), ct);
        installation.AuthorizationId = await authorizations.GetIdAsync(created, ct);
        await db.SaveChangesAsync(ct);
        return installation.AuthorizationId!;
    }

    /// <summary>The subject recorded on an installation's authorization: the tenant, not a person.</summary>
    public static string SubjectOf(Installation installation) => "tenant:" + installation.TenantId.ToString();

    /// <summary>Uninstalls: the installation ends, its authorization, every token of it and its API keys are revoked, the app is told.</summary>
    public async Task UninstallAsync(Installation installation, string by, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        var now = time.GetUtcNow();
        installation.UninstalledAt = now;
        installation.UninstalledBy = by;
        // The installation's API keys go too: a later reinstallation must not bring old keys back to life.
        var keys = installation.AppId is { } keyApp
            ? await db.ApiKeys.Where(k => k.AppId == keyApp && k.TenantId == installation.TenantId && k.RevokedAt == null).ToListAsync(ct)
            : [];
        foreach (var k in keys) k.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        var revoked = await RevokeAuthorizationAsync(installation.AuthorizationId, ct);
        await audit.AppendAsync(new AuditEvent(OAuthAuditActions.AppUninstalled, by, null, installation.ClientId, clientAddress,
            new { tenant = installation.TenantId, installation = installation.Id, tokensRevoked = revoked, apiKeysRevoked = keys.Select(k => k.Id).ToArray() }), ct);
        if (installation.AppId is { } appId && await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct) is { } app)
            await notifier.AppAsync(app, AppEvents.Uninstalled, new { app = app.Slug, tenantId = installation.TenantId, installationId = installation.Id }, ct);
    }

    /// <summary>
    /// The kill switch: every token and authorization of the app's OAuth client and every API key of the app
    /// is revoked at once. Installations stay (tenants need not reinstall after a reinstatement), but their
    /// authorizations are replaced on the next grant. Returns what was revoked.
    /// </summary>
    public async Task<KillSwitchResult> KillAsync(App app, string reason, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        long tokensRevoked = 0, authorizationsRevoked = 0;
        if (await applications.FindByClientIdAsync(app.Slug, ct) is { } application)
        {
            var applicationId = (await applications.GetIdAsync(application, ct))!;
            authorizationsRevoked = await authorizations.RevokeByApplicationIdAsync(applicationId, ct);
            tokensRevoked = await tokens.RevokeByApplicationIdAsync(applicationId, ct);
        }
        var now = time.GetUtcNow();
        var keys = await db.ApiKeys.Where(k => k.AppId == app.Id && k.RevokedAt == null).ToListAsync(ct);
        foreach (var k in keys) k.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Kill switch for app {App} ({Reason}): {Tokens} tokens, {Authorizations} authorizations, {Keys} API keys revoked",
            app.Slug, reason, tokensRevoked, authorizationsRevoked, keys.Count);
        await audit.AppendAsync(new AuditEvent(OAuthAuditActions.KillSwitch, by, app.OrganizationId.ToString(), app.Slug, null,
            new { reason, tokensRevoked, authorizationsRevoked, apiKeysRevoked = keys.Select(k => k.Id).ToArray() }), ct);
        return new KillSwitchResult(tokensRevoked, authorizationsRevoked, keys.Count);
    }

    /// <summary>Called by the version workflow after every move: stops the app when it leaves the published state.</summary>
    public async Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (from == VersionStates.Published && to is VersionStates.Quarantined or VersionStates.Suspended or VersionStates.Delisted)
        {
            await KillAsync(app, action, by, ct);
            await notifier.AppAsync(app, AppEvents.Suspended, new { app = app.Slug, reason = action, state = to }, ct);
        }
        else if (action == Lifecycle.Actions.Reinstate && to == VersionStates.Published)
        {
            await notifier.AppAsync(app, AppEvents.Reinstated, new { app = app.Slug }, ct);
        }
    }

    private async Task<long> RevokeAuthorizationAsync(string? authorizationId, CancellationToken ct)
    {
        if (authorizationId is null) return 0;
        if (await authorizations.FindByIdAsync(authorizationId, ct) is { } a) await authorizations.TryRevokeAsync(a, ct);
        return await tokens.RevokeByAuthorizationIdAsync(authorizationId, ct);
    }
}

public sealed record KillSwitchResult(long Tokens, long Authorizations, int ApiKeys);

/// <summary>Lifecycle events an app's own webhook receives (<see cref="WebhookEndpoint.AppId"/>).</summary>
public static class AppEvents
{
    public const string Installed = "app.installed";
    public const string Uninstalled = "app.uninstalled";
    public const string Suspended = "app.suspended";
    public const string Reinstated = "app.reinstated";
    public static readonly IReadOnlyList<string> All = [Installed, Uninstalled, Suspended, Reinstated];
}
