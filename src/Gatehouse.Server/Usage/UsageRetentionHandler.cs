using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The <c>usage.retention</c> job (every <c>Usage:RetentionInterval</c>): deletes <c>usage_minutes</c> rows older than
/// <c>Usage:Retention</c> (35 days by default, longer than every detector looks back) and ingestion receipts older than
/// the ingestion window plus the allowed clock skew and an hour (an event that old is rejected as too old anyway, so
/// forgetting its receipt can never count it twice). Idempotent: a second run finds nothing.
/// </summary>
internal sealed class UsageRetentionHandler(GatehouseDb db, TimeProvider time, IOptions<MeteringOptions> options) : IWorkHandler
{
    public const string KindName = "usage.retention";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var (rows, receipts) = await RunOnceAsync(ct);
        return JsonSerializer.Serialize(new { rows, receipts }, JsonSerializerOptions.Web);
    }

    /// <summary>One pass; returns the rows and receipts deleted.</summary>
    public async Task<(int Rows, int Receipts)> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        var minuteCutoff = now - o.Retention;
        var receiptCutoff = now - o.IngestionWindow - o.IngestionFutureSkew - TimeSpan.FromHours(1);
        var rows = await db.Set<UsageMinuteRecord>().Where(r => r.Minute < minuteCutoff).ExecuteDeleteAsync(ct);
        var receipts = await db.Set<UsageEventReceipt>().Where(r => r.ReceivedAt < receiptCutoff).ExecuteDeleteAsync(ct);
        return (rows, receipts);
    }
}
