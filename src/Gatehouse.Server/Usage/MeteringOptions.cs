using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Metering, batch ingestion and retention of usage (section <c>Usage</c>; docs/metering.md). The defaults keep memory
/// bounded and lose at most one flush interval of counts on a crash.
/// </summary>
internal sealed class MeteringOptions
{
    public const string Section = "Usage";

    /// <summary>How often the in-memory aggregates are written to <c>usage_minutes</c> (default 15 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Distinct aggregate keys held in memory between flushes. Beyond it, new keys are folded into the app's overflow
    /// key for that minute and a flush is started at once, so memory stays bounded under a flood of distinct tenants.
    /// </summary>
    [Range(100, 10_000_000)]
    public int MaxKeys { get; set; } = 50_000;

    /// <summary>Rows kept for the next attempt after failed flushes (the database is down); the oldest go first beyond it.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxPendingRows { get; set; } = 200_000;

    /// <summary>How long <c>usage_minutes</c> rows are kept (default 35 days: above the detectors' 28-day baseline and 30-day unused-scope window).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>How often old usage rows and receipts are deleted (the <c>usage.retention</c> job; zero disables).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How old an ingested event may be (default 7 days); receipts are kept this long plus the allowed clock skew.</summary>
    public TimeSpan IngestionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How far in the future an ingested event's time may lie (clock skew of the sender).</summary>
    public TimeSpan IngestionFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest ingestion request body in bytes (default 1 MiB).</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long IngestionMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events per ingestion request.</summary>
    [Range(1, 100_000)]
    public int IngestionMaxEvents { get; set; } = 1_000;

    /// <summary>The Prometheus scrape endpoint (off by default).</summary>
    public PrometheusOptions Prometheus { get; set; } = new();
}
