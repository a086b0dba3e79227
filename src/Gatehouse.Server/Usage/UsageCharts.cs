using System.Globalization;
using Gatehouse.Server.Console;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The usage page's charts, as the scan charts draw them (<see cref="BarChart"/>, server-rendered SVG, no script or
/// style): calls per bucket by status class, and the refused or failed calls (401, 403, 429, 5xx) per bucket.
/// </summary>
internal static class UsageCharts
{
    public static readonly IReadOnlyList<ChartSeries> Calls =
    [
        new("2xx", "2xx (success)", "#1d6b2f"),
        new("4xx", "4xx (client error)", "#7a4d00"),
        new("5xx", "5xx (server error)", "#a3141a"),
        new("other", "other (1xx, 3xx)", "#4a4a4a"),
    ];

    public static readonly IReadOnlyList<ChartSeries> Errors =
    [
        new("401", "401 (credential refused)", "#5b3f99"),
        new("403", "403 (tenant or scope refused)", "#a3141a"),
        new("429", "429 (rate limited)", "#7a4d00"),
        new("5xx", "5xx (server error)", "#4a4a4a"),
    ];

    /// <summary>At most this many axis labels, so hourly weeks stay readable.</summary>
    public const int MaxLabels = 12;

    public static (BarChart Calls, BarChart Errors) Build(UsageSeriesInfo series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var daily = series.Bucket == UsagePeriod.Day;
        var step = daily ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var format = daily ? "dd MMM" : "dd MMM HH:00";
        var every = Math.Max(1, (int)Math.Ceiling(series.Points.Count / (double)MaxLabels));
        var unit = daily ? "day" : "hour";
        ChartBucket Bucket(UsagePoint p, Dictionary<string, int> counts) =>
            new(p.Start, p.Start + step, p.Start.ToString(format, CultureInfo.InvariantCulture), counts);

        var calls = new BarChart("usage-calls", $"Calls per {unit} (UTC)", $"Stacked bars: the app's platform calls in each UTC {unit}, by status class.", Calls,
            [.. series.Points.Select(p => Bucket(p, new Dictionary<string, int>
            {
                ["2xx"] = Clamp(p.Usage.Status2xx),
                ["4xx"] = Clamp(p.Usage.Status4xx),
                ["5xx"] = Clamp(p.Usage.Status5xx),
                ["other"] = Clamp(p.Usage.Calls - p.Usage.Status2xx - p.Usage.Status4xx - p.Usage.Status5xx),
            }))], every);
        var errors = new BarChart("usage-errors", $"Refused and failed calls per {unit} (UTC)",
            $"Stacked bars: calls answered 401, 403, 429 or 5xx in each UTC {unit}.", Errors,
            [.. series.Points.Select(p => Bucket(p, new Dictionary<string, int>
            {
                ["401"] = Clamp(p.Usage.Unauthorized401),
                ["403"] = Clamp(p.Usage.Forbidden403),
                ["429"] = Clamp(p.Usage.TooMany429),
                ["5xx"] = Clamp(p.Usage.Status5xx),
            }))], every);
        return (calls, errors);
    }

    // The chart counts in int; a bucket past int.MaxValue calls is drawn at the top (the tables show the exact numbers).
    private static int Clamp(long n) => (int)Math.Clamp(n, 0, int.MaxValue);
}
