using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// An app's API keys' rules: members create and rotate them (never while the app's access is suspended; a tenant's key
/// only where the tenant installed the app, within what it granted), members and staff revoke them. A key of an app
/// the caller may not see is "not found". The API and the console both call it.
/// </summary>
public sealed class AppApiKeys(AppAccess access, GatehouseDb db, ApiKeyService keys, OAuth.AppAccessGate gate, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<List<ApiKeyInfo>>> ListAsync(HttpContext http, string app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.AppId == a.Id).ToListAsync(ct);
        return rows.OrderByDescending(k => k.CreatedAt).Select(ApiKeyInfo.From).ToList();
    }

    /// <summary>A new key for the app (members only, not while its access is suspended), within the tenant's grant for a tenant key.</summary>
    public async Task<Outcome<CreatedApiKey>> CreateAsync(HttpContext http, string app, CreateApiKeyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Refusal.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Refusal.Forbidden("Only members of the app's organisation create its API keys.");
        if (await SuspendedAsync(a, ct) is { } suspended) return suspended;
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100) return Refusal.Invalid("name is required (at most 100 characters)");
        var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : ApiKeyService.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > ApiKeyService.MaxLifetime)
            return Refusal.Invalid($"expiresInDays must be between 1 and {ApiKeyService.MaxLifetime.TotalDays}");
        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0) return Refusal.Invalid($"at least one scope is required: {string.Join(", ", PlatformScopes.All)}");
        var unknown = scopes.Except(PlatformScopes.All, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) return Refusal.Invalid($"unknown scopes: {string.Join(", ", unknown)}");

        if (request.TenantId is { } tenant)
        {
            // A tenant's key is an installation's key: only where the tenant installed the app, within what it granted.
            var installation = await db.Set<OAuth.Installation>().AsNoTracking()
                .FirstOrDefaultAsync(i => i.TenantId == tenant && i.AppId == a.Id && i.UninstalledAt == null, ct);
            if (installation is null) return Refusal.Invalid("the app is not installed in that tenant");
            var beyond = scopes.Except(installation.ScopeList, StringComparer.Ordinal).ToList();
            if (beyond.Count > 0) return Refusal.Invalid($"the tenant did not grant: {string.Join(", ", beyond)}");
        }
        // The key and its audit entry commit together (issue 14).
        var (key, r) = keys.Add(a.Id, a.OrganizationId, request.TenantId, request.Name.Trim(), scopes, lifetime,
            http.User.Id(), live: !request.Test);
        audit.Record(db, AuditEvent.By(http, AuditActions.ApiKeyCreated, a.OrganizationId.ToString(), r.Id,
            new { app = a.Slug, r.Name, scopes = r.Scopes, tenantId = r.TenantId, expiresAt = r.ExpiresAt, live = r.Live }));
        await db.SaveChangesAsync(ct);
        return CreatedApiKey.From(key, r);
    }

    /// <summary>A successor key; the old one keeps working for the overlap (members only, once per key).</summary>
    public async Task<Outcome<RotatedApiKey>> RotateAsync(HttpContext http, string keyId, RotateApiKeyRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (old, a) = await FindAsync(keyId, http, ct);
        if (old is null || a is null) return Refusal.NotFound("API key");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Refusal.Forbidden("Only members of the app's organisation rotate its API keys.");
        if (await SuspendedAsync(a, ct) is { } suspended) return suspended;
        var hours = request?.OverlapHours ?? 24;
        if (hours < 0 || hours > ApiKeyService.MaxOverlap.TotalHours)
            return Refusal.Invalid($"overlapHours must be between 0 and {ApiKeyService.MaxOverlap.TotalHours}");
        if (old.RevokedAt is not null || old.ExpiresAt <= time.GetUtcNow()) return Refusal.Conflict("the key is revoked or expired; create a new one");
        if (old.ReplacedBy is not null) return Refusal.Conflict($"the key was already rotated (replaced by {old.ReplacedBy})");
        // The successor, the old key's shortened life and the audit entry commit together.
        var (key, r) = keys.AddRotation(old, TimeSpan.FromHours(hours), http.User.Id());
        audit.Record(db, AuditEvent.By(http, AuditActions.ApiKeyRotated, a.OrganizationId.ToString(), old.Id,
            new { app = a.Slug, replacedBy = r.Id, oldExpiresAt = old.ExpiresAt, overlapHours = hours, newExpiresAt = r.ExpiresAt }));
        await db.SaveChangesAsync(ct);
        return new RotatedApiKey(a.Slug, CreatedApiKey.From(key, r));
    }

    /// <summary>Revokes a key now (members, and staff acting as staff); revoking again changes nothing.</summary>
    public async Task<Outcome<Completed>> RevokeAsync(HttpContext http, string keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (key, a) = await FindAsync(keyId, http, ct);
        if (key is null || a is null) return Refusal.NotFound("API key");
        // Members, and staff acting as staff (the kill switch), may revoke.
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct) && !await access.ActsAsStaffAsync(http.User))
            return Refusal.Forbidden("Only members of the app's organisation or staff revoke its API keys.");
        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            audit.Record(db, AuditEvent.By(http, AuditActions.ApiKeyRevoked, a.OrganizationId.ToString(), key.Id,
                new { app = a.Slug, key.Name, tenantId = key.TenantId }));
            await db.SaveChangesAsync(ct);
        }
        return Completed.Instance;
    }

    /// <summary>
    /// No new key (created or rotated) while the app's access is suspended (the gate, issue 12 item 2). An app that is
    /// merely not published yet may prepare keys: they work from publication on.
    /// </summary>
    private async Task<Refusal?> SuspendedAsync(App a, CancellationToken ct) =>
        await gate.RefusalAsync(a.Id, ct) is { IsSuspension: true } refusal
            ? new Refusal(StatusCodes.Status409Conflict, ProblemCodes.AppAccessSuspended, "The app's access is suspended", refusal.Message)
            : null;

    private async Task<(ApiKey?, App?)> FindAsync(string keyId, HttpContext http, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null) return (null, null);
        var slug = await db.Apps.Where(x => x.Id == key.AppId).Select(x => x.Slug).FirstOrDefaultAsync(ct);
        var a = slug is null ? null : await access.FindAsync(http.User, slug, ct);
        return a is null ? (null, null) : (key, a);
    }
}
