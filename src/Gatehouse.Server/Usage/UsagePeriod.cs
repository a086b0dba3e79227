using System.Globalization;
using Gatehouse.Server.Errors;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The span a usage view covers: [<see cref="From"/>, <see cref="To"/>) in whole UTC hours or days. Bounded, so a view
/// never reads more than <see cref="MaxHourlyDays"/> days of minutes in hourly buckets or <see cref="MaxDailyDays"/> in
/// daily ones.
/// </summary>
internal sealed record UsagePeriod(DateTimeOffset From, DateTimeOffset To, string Bucket)
{
    public const string Hour = "hour";
    public const string Day = "day";
    public const int MaxHourlyDays = 90;
    public const int MaxDailyDays = 400;
    /// <summary>Without <c>from</c>: the last 7 days in hours, the last 30 in days.</summary>
    public const int DefaultHourlyDays = 7;
    public const int DefaultDailyDays = 30;

    public TimeSpan Step => Bucket == Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);

    /// <summary>The start of every bucket, oldest first.</summary>
    public IEnumerable<DateTimeOffset> Starts()
    {
        for (var s = From; s < To; s += Step) yield return s;
    }

    /// <summary>The start of the bucket holding <paramref name="at"/>.</summary>
    public DateTimeOffset BucketOf(DateTimeOffset at) => Floor(at, Bucket);

    /// <summary>
    /// Reads a period from the query: <paramref name="to"/> defaults to the end of the current bucket, <paramref name="from"/>
    /// to the default span before it; both are aligned outwards to whole buckets (UTC).
    /// </summary>
    public static Outcome<UsagePeriod> Parse(DateTimeOffset? from, DateTimeOffset? to, string? bucket, DateTimeOffset now)
    {
        var b = string.IsNullOrWhiteSpace(bucket) ? Hour : bucket.Trim().ToLowerInvariant();
        if (b is not (Hour or Day)) return Refusal.Invalid("bucket must be 'hour' or 'day'.");
        var step = b == Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var end = Ceiling(to ?? now, b, step);
        var start = from is { } f ? Floor(f, b) : end - TimeSpan.FromDays(b == Day ? DefaultDailyDays : DefaultHourlyDays);
        if (start >= end) return Refusal.Invalid("from must be before to.");
        var max = b == Day ? MaxDailyDays : MaxHourlyDays;
        if (end - start > TimeSpan.FromDays(max))
            return Refusal.Invalid(string.Create(CultureInfo.InvariantCulture, $"a period in {b} buckets is at most {max} days long; narrow from and to, or use bucket=day."));
        return new UsagePeriod(start, end, b);
    }

    private static DateTimeOffset Floor(DateTimeOffset at, string bucket)
    {
        var u = at.ToUniversalTime();
        return bucket == Day
            ? new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }

    private static DateTimeOffset Ceiling(DateTimeOffset at, string bucket, TimeSpan step)
    {
        var f = Floor(at, bucket);
        return f == at.ToUniversalTime() ? f : f + step;
    }
}
