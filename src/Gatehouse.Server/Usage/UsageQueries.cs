using System.Linq.Expressions;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Reads <c>usage_minutes</c> for the usage views: an app's series in hour or day buckets, its top endpoints and
/// installations, and a tenant's callers. Rows are additive (several flushes and instances write the same key), so
/// every query sums. Buckets are made here, not in SQL: the database groups by minute (the one expression both
/// providers agree on; SQLite stores a <see cref="DateTimeOffset"/> as a binary number) and the minutes are streamed
/// into buckets, so memory holds the buckets, never the minutes. <see cref="UsagePeriod"/> bounds how many minutes
/// one view reads.
/// </summary>
internal sealed class UsageQueries(GatehouseDb db)
{
    /// <summary>Top lists answer this many rows unless asked otherwise, at most <see cref="MaxTop"/>.</summary>
    public const int DefaultTop = 20;
    public const int MaxTop = 100;

    public static int Top(int? limit) => Math.Clamp(limit ?? DefaultTop, 1, MaxTop);

    /// <summary>The app's calls over <paramref name="period"/>, every bucket present, optionally for one tenant or endpoint.</summary>
    public async Task<UsageSeriesInfo> SeriesAsync(Guid appId, string slug, UsagePeriod period, Guid? tenant, string? endpoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(period);
        var q = Rows(period).Where(r => r.AppId == appId);
        if (tenant is { } t) q = q.Where(r => r.TenantId == t);
        if (!string.IsNullOrEmpty(endpoint)) q = q.Where(r => r.Endpoint == endpoint);

        var buckets = period.Starts().ToDictionary(s => s, s => new UsageSumsRow<DateTimeOffset> { Key = s });
        var total = new UsageSumsRow<DateTimeOffset> { Key = period.From };
        await foreach (var minute in Sum(q, r => r.Minute).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (buckets.TryGetValue(period.BucketOf(minute.Key), out var b)) b.Add(minute);
            total.Add(minute);
        }
        return new UsageSeriesInfo(slug, period.From, period.To, period.Bucket, tenant, string.IsNullOrEmpty(endpoint) ? null : endpoint,
            total.ToCounts(), [.. buckets.Values.OrderBy(b => b.Key).Select(b => new UsagePoint(b.Key, b.ToCounts()))]);
    }

    /// <summary>The app's most called endpoints over <paramref name="period"/>.</summary>
    public async Task<UsageEndpointsInfo> EndpointsAsync(Guid appId, string slug, UsagePeriod period, Guid? tenant, int top, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(period);
        var q = Rows(period).Where(r => r.AppId == appId);
        if (tenant is { } t) q = q.Where(r => r.TenantId == t);
        var rows = await Sum(q, r => r.Endpoint).OrderByDescending(r => r.Calls).ThenBy(r => r.Key).Take(top).ToListAsync(ct);
        return new UsageEndpointsInfo(slug, period.From, period.To, [.. rows.Select(r => new UsageEndpointInfo(r.Key, r.ToCounts()))]);
    }

    /// <summary>The tenants the app called for over <paramref name="period"/>, with names, whether it is installed, first and last call.</summary>
    public async Task<UsageInstallationsInfo> InstallationsAsync(Guid appId, string slug, UsagePeriod period, int top, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(period);
        var q = Rows(period).Where(r => r.AppId == appId);
        var rows = await Sum(q, r => r.TenantId).OrderByDescending(r => r.Calls).ThenBy(r => r.Key).Take(top).ToListAsync(ct);
        var ids = rows.Select(r => r.Key).ToList();
        var spans = await Spans(q.Where(r => ids.Contains(r.TenantId)), r => r.TenantId, ct);
        var names = await db.Set<Tenant>().AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var installed = (await db.Set<Installation>().AsNoTracking().Where(i => i.AppId == appId && i.UninstalledAt == null && ids.Contains(i.TenantId))
            .Select(i => i.TenantId).ToListAsync(ct)).ToHashSet();
        return new UsageInstallationsInfo(slug, period.From, period.To, [.. rows.Select(r => new UsageInstallationInfo(
            r.Key, names.GetValueOrDefault(r.Key), installed.Contains(r.Key), r.ToCounts(), spans[r.Key].First, spans[r.Key].Last))]);
    }

    /// <summary>The apps that called <paramref name="tenant"/>'s data over <paramref name="period"/>: how much, first and last call.</summary>
    public async Task<TenantUsageInfo> TenantAsync(Tenant tenant, UsagePeriod period, int top, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(period);
        var q = Rows(period).Where(r => r.TenantId == tenant.Id);
        var rows = await Sum(q, r => r.AppId).OrderByDescending(r => r.Calls).ThenBy(r => r.Key).Take(top).ToListAsync(ct);
        var ids = rows.Select(r => r.Key).ToList();
        var spans = await Spans(q.Where(r => ids.Contains(r.AppId)), r => r.AppId, ct);
        var apps = await db.Apps.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Slug, a.Name }).ToDictionaryAsync(a => a.Id, ct);
        var installed = (await db.Set<Installation>().AsNoTracking().Where(i => i.TenantId == tenant.Id && i.UninstalledAt == null && i.AppId != null && ids.Contains(i.AppId.Value))
            .Select(i => i.AppId!.Value).ToListAsync(ct)).ToHashSet();
        return new TenantUsageInfo(tenant.Id, tenant.Name, period.From, period.To, [.. rows.Where(r => apps.ContainsKey(r.Key)).Select(r => new TenantAppUsageInfo(
            apps[r.Key].Slug, apps[r.Key].Name, installed.Contains(r.Key), r.ToCounts(), spans[r.Key].First, spans[r.Key].Last))]);
    }

    private IQueryable<UsageMinuteRecord> Rows(UsagePeriod p) =>
        db.Set<UsageMinuteRecord>().AsNoTracking().Where(r => r.Minute >= p.From && r.Minute < p.To);

    private static IQueryable<UsageSumsRow<TKey>> Sum<TKey>(IQueryable<UsageMinuteRecord> q, Expression<Func<UsageMinuteRecord, TKey>> key) =>
        q.GroupBy(key).Select(g => new UsageSumsRow<TKey>
        {
            Key = g.Key,
            Calls = g.Sum(x => x.Calls),
            Status2xx = g.Sum(x => x.Status2xx),
            Status4xx = g.Sum(x => x.Status4xx),
            Status5xx = g.Sum(x => x.Status5xx),
            Unauthorized401 = g.Sum(x => x.Unauthorized401),
            Forbidden403 = g.Sum(x => x.Forbidden403),
            TooMany429 = g.Sum(x => x.TooMany429),
            ScopeViolations = g.Sum(x => x.ScopeViolations),
            NotInstalledCalls = g.Sum(x => x.NotInstalledCalls),
            BytesOut = g.Sum(x => x.BytesOut),
            LatencyMsSum = g.Sum(x => x.LatencyMsSum),
            LatencyMsMax = g.Max(x => x.LatencyMsMax),
        });

    /// <summary>The first and last minute of each group (a short list: the keys of a top list).</summary>
    private static async Task<Dictionary<TKey, (DateTimeOffset First, DateTimeOffset Last)>> Spans<TKey>(
        IQueryable<UsageMinuteRecord> q, Expression<Func<UsageMinuteRecord, TKey>> key, CancellationToken ct) where TKey : notnull
    {
        var rows = await q.GroupBy(key).Select(g => new { g.Key, First = g.Min(x => x.Minute), Last = g.Max(x => x.Minute) }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => (r.First, r.Last));
    }
}
