using System.Data.Common;
using Gatehouse.Server.Data;
using Gatehouse.Server.Usage.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Batch ingestion of usage events from platforms without the gateway. Each event is validated on its own (a bad event is
/// rejected with its reason, the others are counted); accepted events become additive <see cref="UsageMinuteRecord"/> rows
/// (source <c>ingest</c>), so detection and the views treat them like metered calls. Idempotent by event id per sender:
/// the receipts and the rows are written in one transaction, and a concurrent send of the same ids hits the unique index
/// of <c>usage_event_receipts</c>, rolls back and is retried, finding the ids already counted.
/// </summary>
internal sealed class UsageIngestion(GatehouseDb db, TimeProvider time, IOptions<MeteringOptions> options, UsageMetrics metrics,
    ILogger<UsageIngestion> logger)
{
    public const string Source = "ingest";

    /// <summary>Attempts when a concurrent batch with the same ids commits first (a unique-index violation).</summary>
    private const int Attempts = 3;

    /// <summary>Ids per receipt query, well under every provider's parameter limit.</summary>
    private const int QueryChunk = 500;

    private sealed record Valid(string Id, Guid AppId, UsageEventIn Event);

    /// <summary>Counts the events of <paramref name="sender"/> (the ingesting user) that are valid and new.</summary>
    public async Task<UsageIngestResult> IngestAsync(string sender, IReadOnlyList<UsageEventIn> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var o = options.Value;
        var apps = await ResolveAppsAsync(events, ct);
        var rejected = new List<UsageEventRejection>();
        var valid = new List<Valid>(events.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        foreach (var e in events)
        {
            if (e is null) { rejected.Add(new UsageEventRejection(null, "the event is null")); continue; }
            var reason = Check(e, now, o);
            if (reason is null && !apps.ContainsKey(e.App!)) reason = "unknown app";
            if (reason is not null) { rejected.Add(new UsageEventRejection(e.Id, reason)); continue; }
            if (!seen.Add(e.Id!)) { duplicates++; continue; }
            valid.Add(new Valid(e.Id!, apps[e.App!], e));
        }

        var accepted = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                accepted = await StoreAsync(sender, valid, now, ct);
                break;
            }
            catch (Exception e) when ((e is DbUpdateException or DbException) && attempt < Attempts)
            {
                // Another batch with some of these ids committed first: start again and find them counted.
                logger.LogDebug(e, "Usage ingestion: retrying after a conflict");
                db.ChangeTracker.Clear();
            }
        }
        duplicates += valid.Count - accepted;
        metrics.Ingested("accepted", accepted);
        metrics.Ingested("duplicate", duplicates);
        metrics.Ingested("rejected", rejected.Count);
        return new UsageIngestResult(accepted, duplicates, rejected);
    }

    /// <summary>Why the event cannot be counted, or null.</summary>
    internal static string? Check(UsageEventIn e, DateTimeOffset now, MeteringOptions o)
    {
        if (string.IsNullOrWhiteSpace(e.Id) || e.Id.Length > 200) return "id is required (at most 200 characters)";
        if (string.IsNullOrWhiteSpace(e.App) || e.App.Length > 200) return "app is required (a slug or an id)";
        if (e.At is not { } at) return "at is required";
        if (at < now - o.IngestionWindow) return $"at is older than {o.IngestionWindow.TotalDays:0.##} days";
        if (at > now + o.IngestionFutureSkew) return "at lies in the future";
        if (string.IsNullOrWhiteSpace(e.Endpoint) || e.Endpoint.Length > 300) return "endpoint is required (a template, at most 300 characters)";
        if (e.Scope is { Length: > 100 }) return "scope is too long (at most 100 characters)";
        if (e.CredentialId is { Length: > 100 }) return "credentialId is too long (at most 100 characters)";
        if (e.Status is < 100 or > 599) return "status must be an HTTP status (100 to 599)";
        if (!double.IsFinite(e.LatencyMs) || e.LatencyMs < 0 || e.LatencyMs > 86_400_000) return "latencyMs must be between 0 and one day";
        if (e.BytesOut is < 0 or > 1L << 40) return "bytesOut must be between 0 and 1 TiB";
        if (e.TenantId == Guid.Empty) return "tenantId must not be the empty id";
        return null;
    }

    /// <summary>The apps the batch names, by the spelling it used (slug or id), in one query.</summary>
    private async Task<Dictionary<string, Guid>> ResolveAppsAsync(IReadOnlyList<UsageEventIn> events, CancellationToken ct)
    {
        var named = events.Where(e => e?.App is { Length: > 0 and <= 200 }).Select(e => e.App!).Distinct(StringComparer.Ordinal).ToList();
        var ids = named.Select(n => Guid.TryParse(n, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
        var slugs = named.Where(n => !Guid.TryParse(n, out _)).ToList();
        var found = new List<(Guid Id, string Slug)>();
        foreach (var chunk in ids.Chunk(QueryChunk))
            found.AddRange((await db.Apps.AsNoTracking().Where(a => chunk.Contains(a.Id)).Select(a => new { a.Id, a.Slug }).ToListAsync(ct)).Select(a => (a.Id, a.Slug)));
        foreach (var chunk in slugs.Chunk(QueryChunk))
            found.AddRange((await db.Apps.AsNoTracking().Where(a => chunk.Contains(a.Slug)).Select(a => new { a.Id, a.Slug }).ToListAsync(ct)).Select(a => (a.Id, a.Slug)));
        var map = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (id, slug) in found)
        {
            map[slug] = id;
            foreach (var n in named)
                if (Guid.TryParse(n, out var g) && g == id) map[n] = id;
        }
        return map;
    }

    /// <summary>Stores the events not counted before, with their receipts, in one transaction; returns how many.</summary>
    private Task<int> StoreAsync(string sender, List<Valid> valid, DateTimeOffset now, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            if (valid.Count == 0) return 0;
            var receipts = db.Set<UsageEventReceipt>();
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in valid.Select(v => v.Id).Chunk(QueryChunk))
                known.UnionWith(await receipts.AsNoTracking().Where(r => r.Source == sender && chunk.Contains(r.EventId)).Select(r => r.EventId).ToListAsync(ct));
            var fresh = valid.Where(v => !known.Contains(v.Id)).ToList();
            if (fresh.Count == 0) return 0;
            var rows = new Dictionary<UsageAggregateKey, UsageCounters>();
            foreach (var v in fresh)
            {
                var e = v.Event;
                var key = new UsageAggregateKey(UsageAggregateKey.MinuteOf(e.At!.Value), v.AppId, e.TenantId ?? Guid.Empty,
                    e.CredentialId ?? "", e.Endpoint!.Trim(), e.Scope ?? "");
                if (!rows.TryGetValue(key, out var counters)) rows[key] = counters = new UsageCounters();
                counters.Add(new UsageSample(e.At.Value, v.AppId, e.TenantId, key.CredentialId, key.Endpoint, key.Scope, e.Status, e.LatencyMs,
                    e.BytesOut, e.ScopeViolation, e.NotInstalled, e.Page));
                receipts.Add(new UsageEventReceipt { Source = sender, EventId = v.Id, ReceivedAt = now });
            }
            db.Set<UsageMinuteRecord>().AddRange(rows.Select(kv => kv.Value.ToRecord(kv.Key, Source)));
            await db.SaveChangesAsync(ct);
            return fresh.Count;
        }, ct);
}
