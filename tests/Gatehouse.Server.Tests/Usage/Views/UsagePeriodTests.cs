using Gatehouse.Server.Usage;

namespace Gatehouse.Server.Tests.Usage.Views;

/// <summary>How a usage view's period is read: defaults, alignment to whole UTC buckets, bounds.</summary>
public sealed class UsagePeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 14, 25, 0, TimeSpan.Zero);

    [Fact]
    public void Without_bounds_it_is_the_last_seven_days_in_hours_up_to_the_end_of_the_current_hour()
    {
        var p = UsagePeriod.Parse(null, null, null, Now).Value!;
        Assert.Equal((new DateTimeOffset(2026, 3, 3, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 10, 15, 0, 0, TimeSpan.Zero), "hour"), (p.From, p.To, p.Bucket));
        Assert.Equal(168, p.Starts().Count());
    }

    [Fact]
    public void Daily_defaults_to_thirty_days_and_bounds_are_aligned_outwards_in_utc()
    {
        Assert.Equal(30, UsagePeriod.Parse(null, null, "day", Now).Value!.Starts().Count());
        var p = UsagePeriod.Parse(new DateTimeOffset(2026, 3, 1, 1, 30, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2026, 3, 2, 0, 0, 1, TimeSpan.Zero), "DAY", Now).Value!;
        Assert.Equal((new DateTimeOffset(2026, 2, 28, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero)), (p.From, p.To));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), p.BucketOf(new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("week", 1)]
    [InlineData("hour", 91)]
    [InlineData("day", 401)]
    [InlineData("hour", -1)]
    public void A_bad_bucket_an_inverted_or_a_too_long_period_is_refused(string bucket, int days)
    {
        var refusal = UsagePeriod.Parse(Now.AddDays(-Math.Max(days, 0)), Now.AddDays(Math.Min(days, 0) * 2), bucket, Now).Refusal;
        Assert.NotNull(refusal);
        Assert.Equal(400, refusal.Status);
    }
}
