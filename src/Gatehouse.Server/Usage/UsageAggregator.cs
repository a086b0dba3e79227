using System.Collections.Concurrent;
using Gatehouse.Server.Data;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The <see cref="IUsageMeter"/>: adds each call to its minute's aggregate in memory (lock-free: a dictionary lookup and a
/// few <see cref="Interlocked"/> adds) and writes all aggregates as one batch of additive <see cref="UsageMinuteRecord"/>
/// rows (source <c>meter</c>) when flushed, by <see cref="UsageFlushService"/> every <c>Usage:FlushInterval</c> and on a
/// graceful stop.
/// <para>
/// A flush swaps in a fresh generation of aggregates and waits until no thread still adds to the old one, so no call is
/// counted twice or lost between two flushes. Memory is bounded twice: at most <c>Usage:MaxKeys</c> distinct keys per
/// generation (further keys fold into the app's <see cref="UsageAggregateKey.OverflowEndpoint"/> key and a flush starts at
/// once), and at most <c>Usage:MaxPendingRows</c> rows kept after failed flushes (the oldest minutes are dropped first and
/// counted in <c>gatehouse.usage.dropped_rows</c>).
/// </para>
/// </summary>
internal sealed class UsageAggregator(IServiceScopeFactory scopes, IOptions<MeteringOptions> options, UsageMetrics metrics,
    ILogger<UsageAggregator> logger) : IUsageMeter
{
    public const string Source = "meter";

    /// <summary>One generation of aggregates: written to by requests until a flush seals it.</summary>
    private sealed class Generation
    {
        public readonly ConcurrentDictionary<UsageAggregateKey, UsageCounters> Counters = new();
        public int Keys;
        public int Writers;
        public volatile bool Sealed;
    }

    private Generation _current = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly SemaphoreSlim _full = new(0, 1);
    private List<UsageMinuteRecord> _pending = [];

    /// <summary>Rows waiting for a retry after a failed flush.</summary>
    public int PendingRows => Volatile.Read(ref _pending).Count;

    public void Record(in UsageSample sample)
    {
        var key = new UsageAggregateKey(UsageAggregateKey.MinuteOf(sample.At), sample.AppId, sample.TenantId ?? Guid.Empty,
            Cap(sample.CredentialId, 100), Cap(sample.Endpoint, 300), Cap(sample.Scope, 100));
        while (true)
        {
            var g = Volatile.Read(ref _current);
            Interlocked.Increment(ref g.Writers); // a full fence: the Sealed read below cannot move before it
            try
            {
                if (g.Sealed) continue; // a flush took this generation between the read and the increment: use the next
                CountersFor(g, key).Add(sample);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref g.Writers);
            }
        }
    }

    private UsageCounters CountersFor(Generation g, UsageAggregateKey key)
    {
        if (g.Counters.TryGetValue(key, out var hit)) return hit;
        if (Volatile.Read(ref g.Keys) >= options.Value.MaxKeys)
        {
            // Full: the call still counts, for its app and minute, without tenant, credential or endpoint detail.
            key = key.Overflow();
            if (_full.CurrentCount == 0)
                try { _full.Release(); } catch (SemaphoreFullException) { }
            if (g.Counters.TryGetValue(key, out hit)) return hit;
        }
        var fresh = new UsageCounters();
        if (g.Counters.TryAdd(key, fresh))
        {
            Interlocked.Increment(ref g.Keys);
            return fresh;
        }
        return g.Counters[key];
    }

    private static string Cap(string? s, int max) => s is null ? "" : s.Length <= max ? s : s[..max];

    /// <summary>Waits until the next flush is due: <paramref name="interval"/> passed or the key cap was reached.</summary>
    public async Task WaitForFlushAsync(TimeSpan interval, CancellationToken ct) => await _full.WaitAsync(interval, ct);

    /// <summary>Takes the current aggregates out as rows once no request still adds to them (FlushAsync holds the flush lock; tests call it directly).</summary>
    internal List<UsageMinuteRecord> Take()
    {
        var g = Interlocked.Exchange(ref _current, new Generation());
        g.Sealed = true;
        Interlocked.MemoryBarrier();
        var spin = new SpinWait();
        while (Volatile.Read(ref g.Writers) != 0) spin.SpinOnce();
        return [.. g.Counters.Select(kv => kv.Value.ToRecord(kv.Key, Source))];
    }

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var rows = _pending;
            rows.AddRange(Take());
            _pending = [];
            if (rows.Count == 0) return 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
                foreach (var r in rows) r.Id = 0; // a failed attempt may have left a key behind
                db.Set<UsageMinuteRecord>().AddRange(rows);
                await db.SaveChangesAsync(ct);
                metrics.Flushed(rows.Count);
                return rows.Count;
            }
            catch (Exception e)
            {
                // Keep the rows for the next attempt, bounded: the oldest minutes go first.
                var max = options.Value.MaxPendingRows;
                if (rows.Count > max)
                {
                    var dropped = rows.Count - max;
                    rows = [.. rows.OrderByDescending(r => r.Minute).Take(max)];
                    metrics.Dropped(dropped);
                    logger.LogError("Usage flush failed; {Dropped} rows over the pending limit were dropped", dropped);
                }
                _pending = rows;
                if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
                metrics.FlushFailed();
                logger.LogWarning(e, "Usage flush of {Rows} rows failed; they are kept for the next attempt", rows.Count);
                return 0;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }
}
