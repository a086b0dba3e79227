using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Reads <c>usage_minutes</c> into the engine's <see cref="UsageWindow"/> for one app. The detectors use the history
/// only as sums per hour, and the evaluated hour per installation (scope violations, tenant enumeration), so rows are
/// streamed and summed as they arrive: per hour for the history, per tenant for the evaluated hour. Memory per app is
/// bounded by the hours of the baseline period (672 for 28 days) plus the tenants called in the last hour, whatever
/// the number of rows, endpoints and instances that wrote them (rows are additive).
/// </summary>
internal sealed class UsageWindows(GatehouseDb db, IEnumerable<IUsageGrantSource> grantSources)
{
    /// <summary>The columns read from one row.</summary>
    internal sealed record Row(Guid TenantId, string Scope, DateTimeOffset Minute, long Calls, long Status2xx, long Status4xx, long Status5xx,
        long Unauthorized401, long Forbidden403, long ScopeViolations, long BytesOut, long Pages, long NotInstalledCalls);

    /// <summary>Start of the hour of <paramref name="t"/> (UTC).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset t)
    {
        var ticks = t.UtcTicks;
        return new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);
    }

    /// <summary>Apps with usage in the period or with granted scopes: the apps a run looks at.</summary>
    public async Task<List<Guid>> AppsAsync(DateTimeOffset now, UsageDetectorOptions options, CancellationToken ct)
    {
        var from = HourOf(now) - options.BaselinePeriod - TimeSpan.FromHours(1);
        var used = await db.Set<UsageMinuteRecord>().AsNoTracking().Where(r => r.Minute >= from && r.Minute < now)
            .Select(r => r.AppId).Distinct().ToListAsync(ct);
        var installed = await db.Set<Installation>().AsNoTracking().Where(i => i.AppId != null && i.UninstalledAt == null)
            .Select(i => i.AppId!.Value).Distinct().ToListAsync(ct);
        var known = await db.Apps.AsNoTracking().Select(a => a.Id).ToListAsync(ct);
        var all = used.Concat(installed).ToHashSet();
        foreach (var source in grantSources)
            foreach (var (appId, _) in await source.GrantsAsync(known, ct)) all.Add(appId);
        return [.. all.Where(known.ToHashSet().Contains).Order()];
    }

    /// <summary>The app's window at <paramref name="now"/> (an hour boundary): hourly history, the evaluated hour per tenant, grants and scopes' last use.</summary>
    public async Task<UsageWindow> WindowAsync(Guid appId, DateTimeOffset now, UsageDetectorOptions options, CancellationToken ct)
    {
        var end = HourOf(now);
        var evaluatedFrom = end.AddHours(-1);
        var historyFrom = evaluatedFrom - options.BaselinePeriod;
        // Scopes' last use looks back over the unused-scope period too (it may be longer than the baseline).
        var from = options.UnusedScopePeriod > options.BaselinePeriod + TimeSpan.FromHours(1) ? end - options.UnusedScopePeriod : historyFrom;
        var hours = new Dictionary<DateTimeOffset, UsageTally>();
        var tenants = new Dictionary<Guid, UsageTally>();
        var lastUsed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var rows = db.Set<UsageMinuteRecord>().AsNoTracking().Where(r => r.AppId == appId && r.Minute >= from && r.Minute < end)
            .Select(r => new Row(r.TenantId, r.Scope, r.Minute, r.Calls, r.Status2xx, r.Status4xx, r.Status5xx, r.Unauthorized401, r.Forbidden403,
                r.ScopeViolations, r.BytesOut, r.Pages, r.NotInstalledCalls))
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            if (r.Status2xx > 0 && r.Scope.Length > 0 && (!lastUsed.TryGetValue(r.Scope, out var seen) || r.Minute > seen)) lastUsed[r.Scope] = r.Minute;
            if (r.Minute < historyFrom) continue;
            var target = r.Minute >= evaluatedFrom ? Tally(tenants, r.TenantId) : Tally(hours, HourOf(r.Minute));
            target.Add(r);
        }

        var app = appId.ToString();
        var minutes = new List<UsageMinute>(hours.Count + tenants.Count);
        minutes.AddRange(hours.OrderBy(h => h.Key).Select(h => Minute(app, "", h.Key, h.Value)));
        minutes.AddRange(tenants.OrderBy(t => t.Key).Select(t => Minute(app, t.Key == Guid.Empty ? "" : t.Key.ToString(), evaluatedFrom, t.Value)));
        return new UsageWindow(app, minutes, await GrantsAsync(appId, ct), lastUsed);
    }

    private async Task<List<GrantedScope>> GrantsAsync(Guid appId, CancellationToken ct)
    {
        var installations = await db.Set<Installation>().AsNoTracking().Where(i => i.AppId == appId && i.UninstalledAt == null)
            .Select(i => new { i.Scopes, i.InstalledAt }).ToListAsync(ct);
        var grants = installations.SelectMany(i => i.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new GrantedScope(s, i.InstalledAt))).ToList();
        foreach (var source in grantSources)
            grants.AddRange((await source.GrantsAsync([appId], ct)).Where(g => g.AppId == appId).Select(g => g.Grant));
        // The earliest grant of a scope counts: a scope held for 60 days by one installation is not new because another got it yesterday.
        return [.. grants.OrderBy(g => g.GrantedAt).DistinctBy(g => g.Scope, StringComparer.Ordinal).OrderBy(g => g.Scope, StringComparer.Ordinal)];
    }

    private static UsageTally Tally<TKey>(Dictionary<TKey, UsageTally> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var t)) map[key] = t = new UsageTally();
        return t;
    }

    private static UsageMinute Minute(string app, string installation, DateTimeOffset at, UsageTally t) =>
        new(app, installation, "", at, t.Calls, t.Status2xx, t.Status4xx, t.Status5xx, t.Unauthorized401, t.Forbidden403,
            t.ScopeViolations, t.BytesOut, t.Pages, t.NotInstalledCalls);
}
