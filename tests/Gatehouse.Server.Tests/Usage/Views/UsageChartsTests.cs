using Gatehouse.Server.Usage;

namespace Gatehouse.Server.Tests.Usage.Views;

/// <summary>The usage page's SVG charts: one bar per status class and bucket, labels thinned, counts clamped.</summary>
public sealed class UsageChartsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static UsageCounts Counts(long calls, long s4xx = 0, long s5xx = 0, long s401 = 0, long s429 = 0) =>
        new(calls, calls - s4xx - s5xx, s4xx, s5xx, s401, 0, s429, 0, 0, 0, 0, 0);

    [Fact]
    public void Calls_are_stacked_by_status_class_and_errors_by_refusal()
    {
        var points = Enumerable.Range(0, 48).Select(i => new UsagePoint(Start.AddHours(i), i == 5 ? Counts(10, s4xx: 3, s5xx: 1, s401: 2, s429: 1) : UsageCounts.None)).ToList();
        var series = new UsageSeriesInfo("app", Start, Start.AddDays(2), "hour", null, null, Counts(10, 3, 1, 2, 1), points);
        var (calls, errors) = UsageCharts.Build(series);

        Assert.Equal(48, calls.Buckets.Count);
        Assert.Equal([("2xx", 6), ("4xx", 3), ("5xx", 1)], calls.Bars().Select(b => (b.Series.Key, b.Count)));
        Assert.Equal([("401", 2), ("429", 1), ("5xx", 1)], errors.Bars().Select(b => (b.Series.Key, b.Count)));
        Assert.Equal(10, calls.Max);
        Assert.True(calls.Ticks().Count <= UsageCharts.MaxLabels + 1);
        Assert.Equal("02 Mar 05:00", calls.Buckets[5].Label);
    }

    [Fact]
    public void Daily_buckets_are_labelled_by_day_and_huge_counts_are_clamped()
    {
        var series = new UsageSeriesInfo("app", Start, Start.AddDays(1), "day", null, null, Counts(5_000_000_000), [new UsagePoint(Start, Counts(5_000_000_000))]);
        var (calls, _) = UsageCharts.Build(series);
        Assert.Equal("02 Mar", calls.Buckets[0].Label);
        Assert.Equal(int.MaxValue, calls.Buckets[0].Of("2xx"));
    }
}
