using Gatehouse.Server.Data;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The active usage throttles (<c>usage_throttles</c>: not lifted, not expired), held in memory because the rate
/// limiter asks on every platform call. Reloaded every <see cref="ReloadEvery"/> in the background (callers keep the
/// previous snapshot meanwhile), and at the next call after <see cref="Invalidate"/>, synchronously, so a throttle set
/// by an alert's action applies to the very next call. Expiry is judged per call, so a throttle ends on time between
/// reloads. If the database cannot be read the last snapshot stays (none: no throttle; the tier limits still apply).
/// </summary>
internal sealed class ActiveThrottles(IServiceScopeFactory scopes, TimeProvider time, ILogger<ActiveThrottles> logger) : IActiveThrottles
{
    /// <summary>How old a snapshot may get before a background reload.</summary>
    public static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(10);

    private sealed record Window(double Factor, DateTimeOffset From, DateTimeOffset Until);

    private sealed record Snapshot(IReadOnlyDictionary<Guid, Window[]> ByApp, DateTimeOffset LoadedAt);

    private volatile Snapshot? _snapshot;
    private int _reloading;

    public double FactorFor(Guid appId)
    {
        var now = time.GetUtcNow();
        var snapshot = _snapshot ?? LoadNow();
        if (now - snapshot.LoadedAt >= ReloadEvery && Interlocked.CompareExchange(ref _reloading, 1, 0) == 0)
            _ = Task.Run(() => { try { LoadNow(); } finally { Volatile.Write(ref _reloading, 0); } });
        if (!snapshot.ByApp.TryGetValue(appId, out var windows)) return 1;
        var factor = 1.0;
        foreach (var w in windows)
            if (w.From <= now && now < w.Until) factor = Math.Min(factor, w.Factor);
        return factor;
    }

    public void Invalidate() => _snapshot = null;

    private Snapshot LoadNow()
    {
        var now = time.GetUtcNow();
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            // Not lifted in SQL; expiry in memory (few rows, and SQLite cannot compare DateTimeOffset in SQL).
            var rows = db.Set<UsageThrottle>().AsNoTracking().Where(t => t.LiftedAt == null)
                .Select(t => new { t.AppId, t.Factor, t.From, t.Until }).ToList();
            var byApp = rows.Where(r => r.Until > now && r.Factor > 0)
                .GroupBy(r => r.AppId)
                .ToDictionary(g => g.Key, g => g.Select(r => new Window(Math.Min(1, r.Factor), r.From, r.Until)).ToArray());
            var snapshot = new Snapshot(byApp, now);
            _snapshot = snapshot;
            return snapshot;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the usage throttles; keeping the previous ones");
            var kept = _snapshot ?? new Snapshot(new Dictionary<Guid, Window[]>(), now);
            // Retry at the next reload interval, not on every call.
            _snapshot = kept with { LoadedAt = now };
            return _snapshot;
        }
    }
}
