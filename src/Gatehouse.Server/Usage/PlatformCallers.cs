using System.Collections.Concurrent;
using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Turns an authenticated platform principal (API key or OAuth access token) into a <see cref="PlatformCaller"/>, for the
/// metering middleware and the rate limiter. An app's id, slug and tier are cached for <see cref="CacheFor"/> (the tier
/// changes rarely; a stale tier for a minute costs nothing), so a call costs no database read once its app is known.
/// </summary>
internal sealed class PlatformCallers(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long an app's identity and tier are cached.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private sealed record AppEntry(Guid Id, string Slug, string Tier, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, AppEntry?> _bySlug = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, AppEntry?> _byId = new();

    /// <summary>
    /// The caller of this request (<see cref="HttpContext.User"/>), resolved once per request and principal: the rate
    /// limiter, the gateway and the metering all ask for it.
    /// </summary>
    public async ValueTask<PlatformCaller?> ResolveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        if (context.Features.Get<ResolvedCaller>() is { } known && ReferenceEquals(known.User, user)) return known.Caller;
        var caller = await ResolveAsync(user, context.RequestAborted);
        context.Features.Set(new ResolvedCaller(user, caller));
        return caller;
    }

    /// <summary>The caller resolved for a principal of a request (a request feature).</summary>
    private sealed record ResolvedCaller(ClaimsPrincipal User, PlatformCaller? Caller);

    /// <summary>The caller, or null when the principal is not an app's credential (anonymous, a person's session).</summary>
    public async ValueTask<PlatformCaller?> ResolveAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true) return null;
        var tenants = user.Tenants();
        Guid? tenant = tenants.Length == 1 ? tenants[0] : null;
        var scopes = user.Claims.Where(c => c.Type is PlatformAuth.ScopeClaim or "oi_scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToArray();
        AppEntry? app;
        string credential;
        if (Guid.TryParse(user.FindFirstValue(PlatformAuth.AppIdClaim), out var appId))
        {
            app = await ByIdAsync(appId, ct);
            credential = user.FindFirstValue(PlatformAuth.KeyIdClaim) ?? "";
        }
        else if (AppAccessHandlers.ClientOf(user) is { Length: > 0 } client)
        {
            app = await BySlugAsync(client, ct);
            credential = "oauth:" + client;
        }
        else return null;
        return app is null ? null : new PlatformCaller(app.Id, app.Slug, tenant, credential, scopes, app.Tier);
    }

    /// <summary>The app's id, slug and tier by id (cached); null when no such app.</summary>
    public async ValueTask<(Guid Id, string Slug, string Tier)?> AppAsync(Guid appId, CancellationToken ct) =>
        await ByIdAsync(appId, ct) is { } e ? (e.Id, e.Slug, e.Tier) : null;

    private async ValueTask<AppEntry?> ByIdAsync(Guid id, CancellationToken ct)
    {
        if (_byId.TryGetValue(id, out var hit) && (hit is null || hit.Until > time.GetUtcNow())) return hit;
        var entry = await LoadAsync(a => a.Id == id, ct);
        _byId[id] = entry;
        return entry;
    }

    private async ValueTask<AppEntry?> BySlugAsync(string slug, CancellationToken ct)
    {
        if (_bySlug.TryGetValue(slug, out var hit) && (hit is null || hit.Until > time.GetUtcNow())) return hit;
        var entry = await LoadAsync(a => a.Slug == slug, ct);
        _bySlug[slug] = entry;
        return entry;
    }

    private async Task<AppEntry?> LoadAsync(System.Linq.Expressions.Expression<Func<Apps.App, bool>> match, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var row = await db.Apps.AsNoTracking().Where(match).Select(a => new { a.Id, a.Slug, a.Tier }).FirstOrDefaultAsync(ct);
        // An unknown app is cached too (as null), for the same time, so a flood of tokens of a deleted app costs no reads.
        return row is null ? null : new AppEntry(row.Id, row.Slug, row.Tier, time.GetUtcNow() + CacheFor);
    }
}
