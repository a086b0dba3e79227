using Gatehouse.Analysis.Verdicts;
using System.Globalization;
using Gatehouse.Server.Data;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Console;

/// <summary>One series of a bar chart: its key (a CSS class suffix), its legend text and its fill colour.</summary>
public sealed record ChartSeries(string Key, string Label, string Fill);

/// <summary>One bucket (an hour or a day): when it starts and ends, its axis label and a count per series key.</summary>
public sealed record ChartBucket(DateTimeOffset Start, DateTimeOffset End, string Label, IReadOnlyDictionary<string, int> Counts)
{
    public int Total => Counts.Values.Sum();
    public int Of(string key) => Counts.TryGetValue(key, out var n) ? n : 0;
}

/// <summary>One drawn rectangle of a stacked bar (only non-empty segments are drawn).</summary>
public sealed record ChartBar(double X, double Y, double Width, double Height, ChartSeries Series, ChartBucket Bucket, int Count);

/// <summary>An x-axis label at a position.</summary>
public sealed record ChartTick(double X, string Label);

/// <summary>
/// A stacked bar chart drawn as server-rendered SVG by <c>Pages/Console/Admin/_BarChart.cshtml</c>: geometry is
/// computed here, so the page only writes presentation attributes (no <c>style</c>, no script: the CSP holds).
/// </summary>
public sealed record BarChart(string Id, string Title, string Description, IReadOnlyList<ChartSeries> Series, IReadOnlyList<ChartBucket> Buckets, int LabelEvery)
{
    public const double Width = 720, Height = 220, Left = 44, Right = 8, Top = 12, Bottom = 30;

    /// <summary>The y-axis maximum: the largest bucket total (at least 1).</summary>
    public int Max => Math.Max(1, Buckets.Count == 0 ? 0 : Buckets.Max(b => b.Total));

    public double PlotWidth => Width - Left - Right;
    public double PlotHeight => Height - Top - Bottom;
    public double Slot => Buckets.Count == 0 ? PlotWidth : PlotWidth / Buckets.Count;

    /// <summary>Every non-empty segment, bottom-up in series order within each bucket.</summary>
    public IReadOnlyList<ChartBar> Bars()
    {
        var bars = new List<ChartBar>();
        var barWidth = Math.Max(1, Slot * 0.7);
        for (var i = 0; i < Buckets.Count; i++)
        {
            var b = Buckets[i];
            var x = Left + (i * Slot) + ((Slot - barWidth) / 2);
            var baseline = Top + PlotHeight;
            foreach (var s in Series)
            {
                var n = b.Of(s.Key);
                if (n == 0) continue;
                var h = PlotHeight * n / Max;
                baseline -= h;
                bars.Add(new ChartBar(Math.Round(x, 2), Math.Round(baseline, 2), Math.Round(barWidth, 2), Math.Round(h, 2), s, b, n));
            }
        }
        return bars;
    }

    public IReadOnlyList<ChartTick> Ticks() =>
        [.. Buckets.Select((b, i) => (b, i)).Where(t => t.i % LabelEvery == 0 || t.i == Buckets.Count - 1)
            .Select(t => new ChartTick(Math.Round(Left + (t.i * Slot) + (Slot / 2), 2), t.b.Label))];

    public static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Current scan counts for the admin health page.</summary>
public sealed record ScanCounts(int Queued, int Running, int FailedLastDay, int CompletedLastDay);

/// <summary>
/// Scan throughput (scans completed per bucket, by verdict) and queue depth (scans created but not completed at the
/// end of each bucket) for the last 24 hours (hourly) and 7 days (daily), from <see cref="Scan.CreatedAt"/> and
/// <see cref="Scan.CompletedAt"/>. Buckets are whole UTC hours and days; the last one is the current, partial one.
/// </summary>
public static class ScanCharts
{
    public static readonly IReadOnlyList<ChartSeries> Verdicts =
    [
        new(VerdictNames.Of(Verdict.Pass), VerdictNames.Of(Verdict.Pass), "#1d6b2f"),
        new(VerdictNames.Of(Verdict.Review), VerdictNames.Of(Verdict.Review), "#7a4d00"),
        new(VerdictNames.Of(Verdict.Reject), VerdictNames.Of(Verdict.Reject), "#a3141a"),
        new(VerdictNames.Of(Verdict.Incomplete), VerdictNames.Of(Verdict.Incomplete), "#5b3f99"),
        new("failed", "failed (engine error)", "#4a4a4a"),
    ];

    public static readonly IReadOnlyList<ChartSeries> Queue = [new("queued", "queued or running", "#0b4fa8")];

    public sealed record Charts(BarChart Throughput24h, BarChart Queue24h, BarChart Throughput7d, BarChart Queue7d, ScanCounts Counts);

    public static async Task<Charts> BuildAsync(GatehouseDb db, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        now = now.ToUniversalTime();
        var hourStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var dayStart = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var hours = Enumerable.Range(0, 24).Select(i => hourStart.AddHours(i - 23)).Select(s => (s, s.AddHours(1))).ToList();
        var days = Enumerable.Range(0, 7).Select(i => dayStart.AddDays(i - 6)).Select(s => (s, s.AddDays(1))).ToList();
        var from = days[0].s < hours[0].s ? days[0].s : hours[0].s;

        // Completed in the window (for throughput), and everything that was open at some point in it (for depth).
        var completed = await db.Scans.AsNoTracking().Where(s => s.CompletedAt != null && s.CompletedAt >= from)
            .Select(s => new { s.CompletedAt, s.Verdict, s.State }).ToListAsync(ct);
        var open = await db.Scans.AsNoTracking().Where(s => s.CreatedAt <= now && (s.CompletedAt == null || s.CompletedAt >= from))
            .Select(s => new { s.CreatedAt, s.CompletedAt }).ToListAsync(ct);
        var done = completed.Select(s => (At: s.CompletedAt!.Value, Key: s.State == ScanState.Failed ? "failed" : VerdictNames.Of(s.Verdict) ?? "failed")).ToList();

        BarChart Throughput(string id, string title, string description, List<(DateTimeOffset s, DateTimeOffset e)> buckets, string format, int every) =>
            new(id, title, description, Verdicts, [.. buckets.Select(b => new ChartBucket(b.s, b.e, Label(b.s, format),
                done.Where(d => d.At >= b.s && d.At < b.e).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Count())))], every);

        BarChart Depth(string id, string title, string description, List<(DateTimeOffset s, DateTimeOffset e)> buckets, string format, int every) =>
            new(id, title, description, Queue, [.. buckets.Select(b =>
            {
                var end = b.e < now ? b.e : now;
                var n = open.Count(o => o.CreatedAt <= end && (o.CompletedAt is null || o.CompletedAt > end));
                return new ChartBucket(b.s, b.e, Label(b.s, format), new Dictionary<string, int> { ["queued"] = n });
            })], every);

        var dayAgo = now.AddDays(-1);
        var counts = new ScanCounts(
            await db.Scans.CountAsync(s => s.State == ScanState.Queued, ct),
            await db.Scans.CountAsync(s => s.State == ScanState.Running, ct),
            done.Count(d => d.Key == "failed" && d.At >= dayAgo),
            done.Count(d => d.At >= dayAgo));

        return new Charts(
            Throughput("throughput-24h", "Scans completed per hour, last 24 hours", "Stacked bars: scans completed in each UTC hour, by verdict.", hours, "HH:00", 3),
            Depth("queue-24h", "Queue depth at the end of each hour, last 24 hours", "Bars: scans created but not completed at the end of each UTC hour.", hours, "HH:00", 3),
            Throughput("throughput-7d", "Scans completed per day, last 7 days", "Stacked bars: scans completed on each UTC day, by verdict.", days, "dd MMM", 1),
            Depth("queue-7d", "Queue depth at the end of each day, last 7 days", "Bars: scans created but not completed at the end of each UTC day.", days, "dd MMM", 1),
            counts);
    }

    private static string Label(DateTimeOffset start, string format) => start.ToString(format, CultureInfo.InvariantCulture);
}
