using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.ApiKeys;

/// <summary>
/// API keys of an app: create (shown once), list (never the secret), rotate with an overlap window, revoke.
/// Members of the app's organisation manage them; staff may list and revoke. An app or key the caller may
/// not see is "not found".
/// </summary>
public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var byApp = app.MapGroup("/api/apps/{app}/api-keys").WithTags("API keys");
        byApp.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListApiKeys").WithSummary("List an app's API keys.");
        byApp.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateApiKey").WithSummary("Create an API key for an app (shown once).");
        var byKey = app.MapGroup("/api/api-keys/{keyId}").WithTags("API keys");
        byKey.MapPost("/rotate", Rotate).RequireAuthorization(Policies.Write).WithName("RotateApiKey").WithSummary("Replace an API key with a new one.");
        byKey.MapDelete("/", Revoke).RequireAuthorization(Policies.Write).WithName("RevokeApiKey").WithSummary("Revoke an API key.");
        return app;
    }

    public static async Task<Results<Ok<List<ApiKeyInfo>>, ProblemHttpResult>> List(
        string app, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.AppId == a.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(k => k.CreatedAt).Select(ApiKeyInfo.From).ToList());
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> Create(
        string app, CreateApiKeyRequest request, HttpContext http, AppAccess access, ApiKeyService keys, AuditLog audit, GatehouseDb db,
        OAuth.AppAccessGate gate, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Problems.Forbidden("Only members of the app's organisation create its API keys.");
        if (await SuspendedAsync(a, gate, ct) is { } suspended) return suspended;
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100) return Problems.Invalid("name is required (at most 100 characters)");
        var lifetime = request.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : ApiKeyService.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > ApiKeyService.MaxLifetime)
            return Problems.Invalid($"expiresInDays must be between 1 and {ApiKeyService.MaxLifetime.TotalDays}");
        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0) return Problems.Invalid($"at least one scope is required: {string.Join(", ", PlatformScopes.All)}");
        var unknown = scopes.Except(PlatformScopes.All, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) return Problems.Invalid($"unknown scopes: {string.Join(", ", unknown)}");

        if (request.TenantId is { } tenant)
        {
            // A tenant's key is an installation's key: only where the tenant installed the app, within what it granted.
            var installation = await db.Set<OAuth.Installation>().AsNoTracking()
                .FirstOrDefaultAsync(i => i.TenantId == tenant && i.AppId == a.Id && i.UninstalledAt == null, ct);
            if (installation is null) return Problems.Invalid("the app is not installed in that tenant");
            var beyond = scopes.Except(installation.ScopeList, StringComparer.Ordinal).ToList();
            if (beyond.Count > 0) return Problems.Invalid($"the tenant did not grant: {string.Join(", ", beyond)}");
        }
        var (key, r) = await keys.IssueAsync(a.Id, a.OrganizationId, request.TenantId, request.Name.Trim(), scopes, lifetime,
            http.User.Id(), live: !request.Test, ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.ApiKeyCreated, a.OrganizationId.ToString(), r.Id,
            new { app = a.Slug, r.Name, scopes = r.Scopes, tenantId = r.TenantId, expiresAt = r.ExpiresAt, live = r.Live }), ct);
        return TypedResults.Created($"/api/apps/{a.Slug}/api-keys", CreatedApiKey.From(key, r));
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> Rotate(
        string keyId, RotateApiKeyRequest? request, HttpContext http, AppAccess access, GatehouseDb db, ApiKeyService keys,
        AuditLog audit, TimeProvider time, OAuth.AppAccessGate gate, CancellationToken ct)
    {
        var (old, a) = await FindAsync(keyId, http, access, db, ct);
        if (old is null || a is null) return Problems.NotFound("API key");
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct))
            return Problems.Forbidden("Only members of the app's organisation rotate its API keys.");
        if (await SuspendedAsync(a, gate, ct) is { } suspended) return suspended;
        var hours = request?.OverlapHours ?? 24;
        if (hours < 0 || hours > ApiKeyService.MaxOverlap.TotalHours)
            return Problems.Invalid($"overlapHours must be between 0 and {ApiKeyService.MaxOverlap.TotalHours}");
        if (old.RevokedAt is not null || old.ExpiresAt <= time.GetUtcNow()) return Problems.Conflict("the key is revoked or expired; create a new one");
        if (old.ReplacedBy is not null) return Problems.Conflict($"the key was already rotated (replaced by {old.ReplacedBy})");
        var (key, r) = await keys.RotateAsync(old, TimeSpan.FromHours(hours), http.User.Id(), ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.ApiKeyRotated, a.OrganizationId.ToString(), old.Id,
            new { app = a.Slug, replacedBy = r.Id, oldExpiresAt = old.ExpiresAt, overlapHours = hours, newExpiresAt = r.ExpiresAt }), ct);
        return TypedResults.Created($"/api/apps/{a.Slug}/api-keys", CreatedApiKey.From(key, r));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string keyId, HttpContext http, AppAccess access, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var (key, a) = await FindAsync(keyId, http, access, db, ct);
        if (key is null || a is null) return Problems.NotFound("API key");
        // Members, and staff acting as staff (the kill switch), may revoke.
        if (!await access.IsMemberAsync(http.User, a.OrganizationId, ct) && !await access.ActsAsStaffAsync(http.User))
            return Problems.Forbidden("Only members of the app's organisation or staff revoke its API keys.");
        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(AuditEvent.By(http, AuditActions.ApiKeyRevoked, a.OrganizationId.ToString(), key.Id,
                new { app = a.Slug, key.Name, tenantId = key.TenantId }), ct);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// No new key (created or rotated) while the app's access is suspended (the gate, issue 12 item 2). An app that is
    /// merely not published yet may prepare keys: they work from publication on.
    /// </summary>
    private static async Task<ProblemHttpResult?> SuspendedAsync(App a, OAuth.AppAccessGate gate, CancellationToken ct) =>
        await gate.RefusalAsync(a.Id, ct) is { IsSuspension: true } refusal
            ? Problems.Of(StatusCodes.Status409Conflict, ProblemCodes.AppAccessSuspended, "The app's access is suspended", refusal.Message)
            : null;

    private static async Task<(ApiKey?, App?)> FindAsync(string keyId, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null) return (null, null);
        var slug = await db.Apps.Where(x => x.Id == key.AppId).Select(x => x.Slug).FirstOrDefaultAsync(ct);
        var a = slug is null ? null : await access.FindAsync(http.User, slug, ct);
        return a is null ? (null, null) : (key, a);
    }
}

public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, Guid? TenantId, int? ExpiresInDays, bool Test = false);
public sealed record RotateApiKeyRequest(int? OverlapHours);

public sealed record CreatedApiKey(string Id, string Key, string Name, IReadOnlyList<string> Scopes, Guid? TenantId, DateTimeOffset ExpiresAt)
{
    public static CreatedApiKey From(string key, ApiKey r) => new(r.Id, key, r.Name, r.ScopeList, r.TenantId, r.ExpiresAt);
}

public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, Guid? TenantId, bool Live, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom, DateTimeOffset? RevokedAt, string? ReplacedBy)
{
    public static ApiKeyInfo From(ApiKey k) => new(k.Id, k.Name, k.ScopeList, k.TenantId, k.Live, k.CreatedBy, k.CreatedAt, k.ExpiresAt,
        k.LastUsedAt, k.LastUsedFrom, k.RevokedAt, k.ReplacedBy);
}
