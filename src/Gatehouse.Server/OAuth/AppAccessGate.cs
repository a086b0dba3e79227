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
/// <em>live</em> (one of its versions is published), its access is not <em>suspended</em>
/// (<see cref="AppAccessSuspension"/>), and it is installed in the tenant. Every token of an installation hangs off
/// one OpenIddict authorization, so uninstalling revokes that authorization and its tokens at once.
/// <para>
/// The kill switch is a state, not an event (issue 12, item 2): pulling it, or quarantining or suspending any
/// version of the app, records a suspension and revokes every token, authorization and API key of the app; while
/// the suspension stands, <see cref="RefusalAsync(Guid, CancellationToken)"/> refuses every credential path (token
/// endpoint, consent, introspection, access tokens at the platform API, API keys old and new) until staff lift it
/// (<see cref="LiftAsync"/>). Docs: docs/oauth.md, "Kill switch".
/// </para>
/// </summary>
public sealed class AppAccessGate(
    GatehouseDb db, TimeProvider time, AuditLog audit, Notifier notifier,
    IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
    IAppKeyRevoker keyRevoker, ILogger<AppAccessGate> logger) : IVersionTransitionObserver
{
    /// <summary>True when the app has a published version (quarantine, suspension and delisting end this).</summary>
    public Task<bool> IsLiveAsync(Guid appId, CancellationToken ct) =>
        db.AppVersions.AnyAsync(v => v.AppId == appId && v.State == VersionStates.Published, ct);

    /// <summary>The app's active suspensions, oldest first (none: its access is not suspended).</summary>
    public Task<List<AppAccessSuspension>> ActiveSuspensionsAsync(Guid appId, CancellationToken ct) =>
        db.Set<AppAccessSuspension>().AsNoTracking().Where(s => s.AppId == appId && s.LiftedAt == null)
            .OrderBy(s => s.SuspendedAt).ToListAsync(ct);

    /// <summary>
    /// THE check of every credential path: null when the app may use credentials now; otherwise why not. The token
    /// endpoint (every grant), the consent page, introspection, OAuth access tokens and API keys at the platform API,
    /// and the creation and rotation of API keys all ask here.
    /// </summary>
    public async Task<AppAccessRefusal?> RefusalAsync(Guid appId, CancellationToken ct)
    {
        if (await db.Set<AppAccessSuspension>().AsNoTracking().Where(s => s.AppId == appId && s.LiftedAt == null)
                .OrderBy(s => s.SuspendedAt).FirstOrDefaultAsync(ct) is { } s)
            return new AppAccessRefusal(AppAccessRefusal.Suspended,
                $"The app's access is suspended ({s.Source}, {s.SuspendedAt:yyyy-MM-dd HH:mm} UTC) until a reviewer or admin lifts it.");
        return await IsLiveAsync(appId, ct) ? null
            : new AppAccessRefusal(AppAccessRefusal.NotLive, "The app has no published version (it may be quarantined, suspended or delisted).");
    }

    /// <summary>
    /// <see cref="RefusalAsync(Guid, CancellationToken)"/> for an OAuth client id (the app's slug). Clients that belong
    /// to no app (registered by staff, e.g. for first-party tools) are not gated by a lifecycle.
    /// </summary>
    public async Task<AppAccessRefusal?> RefusalAsync(string? clientId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(clientId)) return null;
        var app = await db.Apps.AsNoTracking().Where(a => a.Slug == clientId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        return app is null ? null : await RefusalAsync(app.Value, ct);
    }

    /// <summary>
    /// Records a suspension of the app's access in the unit of work (the caller saves it, with the version move that
    /// caused it when there is one, so the two never part).
    /// </summary>
    public AppAccessSuspension StageSuspension(App app, string source, Guid? versionId, string reason, string by)
    {
        ArgumentNullException.ThrowIfNull(app);
        var now = time.GetUtcNow();
        var s = new AppAccessSuspension
        {
            Id = Guid.CreateVersion7(now), AppId = app.Id, OrganizationId = app.OrganizationId, Source = source, VersionId = versionId,
            Reason = reason.Length <= 1000 ? reason : reason[..1000], SuspendedBy = by, SuspendedAt = now,
        };
        db.Add(s);
        return s;
    }

    /// <summary>Called by the version workflow before it saves a move: quarantining or suspending any version suspends the app's access.</summary>
    public void BeforeTransition(App app, AppVersion version, string action, string to, string by, string? text)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        var source = to switch
        {
            VersionStates.Quarantined => AppAccessSuspensionSources.Quarantine,
            VersionStates.Suspended => AppAccessSuspensionSources.Suspend,
            _ => null,
        };
        // Any version, not only the newest: an older published version must not keep the app's credentials alive
        // while a reviewer looks at what the quarantined one did.
        if (source is not null)
            StageSuspension(app, source, version.Id, $"{action} of version {version.Version}" + (string.IsNullOrWhiteSpace(text) ? "" : ": " + text), by);
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
    public Task UninstallAsync(Installation installation, string by, string? clientAddress, CancellationToken ct) =>
        db.InTransactionAsync(() => UninstallInTransactionAsync(installation, by, clientAddress, ct), ct);

    private async Task UninstallInTransactionAsync(Installation installation, string by, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        var now = time.GetUtcNow();
        installation.UninstalledAt = now;
        installation.UninstalledBy = by;
        // The installation's API keys go too: a later reinstallation must not bring old keys back to life.
        var keys = installation.AppId is { } keyApp ? await keyRevoker.RevokeAsync(keyApp, installation.TenantId, now, ct) : [];
        await db.SaveChangesAsync(ct);
        var revoked = await RevokeAuthorizationAsync(installation.AuthorizationId, ct);
        audit.Record(db, new AuditEvent(OAuthAuditActions.AppUninstalled, by, null, installation.ClientId, clientAddress,
            new { tenant = installation.TenantId, installation = installation.Id, tokensRevoked = revoked, apiKeysRevoked = keys }));
        if (installation.AppId is { } appId && await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct) is { } app)
            await notifier.QueueForAppAsync(app.Id, app.OrganizationId, AppEvents.Uninstalled, new { app = app.Slug, tenantId = installation.TenantId, installationId = installation.Id }, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The manual kill switch: the app's access is suspended (until staff lift it) and every token and authorization
    /// of its OAuth client and every API key of the app is revoked at once. Installations stay (tenants need not
    /// reinstall after the suspension is lifted), but their authorizations are replaced on the next grant.
    /// </summary>
    public Task<KillSwitchResult> KillAsync(App app, string reason, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        return db.InTransactionAsync(async () =>
        {
            StageSuspension(app, AppAccessSuspensionSources.KillSwitch, null, reason, by);
            await db.SaveChangesAsync(ct);
            return await RevokeAllAsync(app, reason, by, ct);
        }, ct);
    }

    /// <summary>Every token and authorization of the app's client and every API key of the app, revoked now; audited as the kill switch and saved.</summary>
    private async Task<KillSwitchResult> RevokeAllAsync(App app, string reason, string by, CancellationToken ct)
    {
        var (result, keyIds) = await RevokeCredentialsAsync(app, ct);
        var suspended = await db.Set<AppAccessSuspension>().AnyAsync(s => s.AppId == app.Id && s.LiftedAt == null, ct);
        logger.LogWarning("Kill switch for app {App} ({Reason}): {Tokens} tokens, {Authorizations} authorizations, {Keys} API keys revoked; access suspended: {Suspended}",
            app.Slug, reason, result.Tokens, result.Authorizations, result.ApiKeys, suspended);
        audit.Record(db, new AuditEvent(OAuthAuditActions.KillSwitch, by, app.OrganizationId.ToString(), app.Slug, null,
            new { reason, tokensRevoked = result.Tokens, authorizationsRevoked = result.Authorizations, apiKeysRevoked = keyIds, suspended }));
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>
    /// Revokes every token and authorization of the app's OAuth client and every API key of the app, and saves (inside the
    /// caller's transaction): the kill switch's step, also taken by a usage alert's suspension. Returns the counts and the
    /// revoked keys' ids (for the audit entry the caller writes).
    /// </summary>
    internal async Task<(KillSwitchResult Result, string[] KeyIds)> RevokeCredentialsAsync(App app, CancellationToken ct)
    {
        long tokensRevoked = 0, authorizationsRevoked = 0;
        if (await applications.FindByClientIdAsync(app.Slug, ct) is { } application)
        {
            var applicationId = (await applications.GetIdAsync(application, ct))!;
            authorizationsRevoked = await authorizations.RevokeByApplicationIdAsync(applicationId, ct);
            tokensRevoked = await tokens.RevokeByApplicationIdAsync(applicationId, ct);
        }
        var now = time.GetUtcNow();
        var keys = await keyRevoker.RevokeAsync(app.Id, null, now, ct);
        await db.SaveChangesAsync(ct);
        return (new KillSwitchResult(tokensRevoked, authorizationsRevoked, keys.Length), keys);
    }

    /// <summary>
    /// Staff lift the app's suspension (every active one, one decision): the app may ask for new tokens and the vendor
    /// may make new API keys. Nothing revoked comes back: anything issued while suspended (a request that raced the
    /// kill switch) is revoked now too. Returns how many suspensions were lifted (0: none was active).
    /// </summary>
    public Task<int> LiftAsync(App app, string reason, string by, string? clientAddress, CancellationToken ct) =>
        db.InTransactionAsync(() => LiftInTransactionAsync(app, reason, by, clientAddress, ct), ct);

    private async Task<int> LiftInTransactionAsync(App app, string reason, string by, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var active = await db.Set<AppAccessSuspension>().Where(s => s.AppId == app.Id && s.LiftedAt == null).ToListAsync(ct);
        if (active.Count == 0) return 0;
        // Revoke first, lift second, in one transaction: the app is never revived without the sweep.
        var (swept, sweptKeys) = await RevokeCredentialsAsync(app, ct);
        var now = time.GetUtcNow();
        foreach (var s in active)
        {
            s.LiftedAt = now;
            s.LiftedBy = by;
            s.LiftReason = reason;
        }
        audit.Record(db, new AuditEvent(OAuthAuditActions.AccessRestored, by, app.OrganizationId.ToString(), app.Slug, clientAddress,
            new { reason, lifted = active.Select(s => new { s.Id, s.Source, s.VersionId, s.Reason, s.SuspendedBy, s.SuspendedAt }).ToArray(),
                tokensRevoked = swept.Tokens, authorizationsRevoked = swept.Authorizations, apiKeysRevoked = sweptKeys }));
        if (await IsLiveAsync(app.Id, ct))
            await notifier.QueueForAppAsync(app.Id, app.OrganizationId, AppEvents.Reinstated, new { app = app.Slug }, ct);
        await db.SaveChangesAsync(ct);
        return active.Count;
    }

    /// <summary>Called by the version workflow after every move, in its transaction: stops the app when it leaves the published state.</summary>
    public async Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (from == VersionStates.Published && to is VersionStates.Quarantined or VersionStates.Suspended or VersionStates.Delisted)
        {
            await notifier.QueueForAppAsync(app.Id, app.OrganizationId, AppEvents.Suspended, new { app = app.Slug, reason = action, state = to }, ct);
            await RevokeAllAsync(app, action, by, ct);
        }
        else if (action == Lifecycle.Actions.Reinstate && to == VersionStates.Published
                 && !await db.Set<AppAccessSuspension>().AnyAsync(s => s.AppId == app.Id && s.LiftedAt == null, ct))
        {
            // While the app's access stays suspended, "reinstated" comes with the lift (LiftAsync).
            await notifier.QueueForAppAsync(app.Id, app.OrganizationId, AppEvents.Reinstated, new { app = app.Slug }, ct);
            await db.SaveChangesAsync(ct);
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

/// <summary>Why the gate refuses an app's credentials: <see cref="Code"/> is <see cref="Suspended"/> or <see cref="NotLive"/>.</summary>
public sealed record AppAccessRefusal(string Code, string Message)
{
    /// <summary>The app's access is suspended (kill switch, quarantine or suspension of a version) until staff lift it.</summary>
    public const string Suspended = "app-suspended";
    /// <summary>The app has no published version.</summary>
    public const string NotLive = "app-stopped";

    public bool IsSuspension => Code == Suspended;
}

/// <summary>Lifecycle events an app's own webhook receives (<see cref="WebhookEndpoint.AppId"/>).</summary>
internal static class AppEvents
{
    public const string Installed = "app.installed";
    public const string Uninstalled = "app.uninstalled";
    public const string Suspended = "app.suspended";
    public const string Reinstated = "app.reinstated";
    public static readonly IReadOnlyList<string> All = [Installed, Uninstalled, Suspended, Reinstated];
}
