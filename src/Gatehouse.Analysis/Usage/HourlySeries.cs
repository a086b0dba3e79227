namespace Gatehouse.Analysis.Usage;

/// <summary>
/// The app's minutes summed per hour over the baseline period, ending with the last complete hour before <c>now</c>
/// (the evaluated hour). Sums are <see cref="double"/> so hostile counts cannot overflow.
/// </summary>
internal sealed class HourlySeries
{
    private const int HoursPerWeek = 168;

    private HourlySeries(DateTimeOffset start, int hours, int firstIndex, List<UsageMinute> rows)
    {
        Start = start;
        Hours = hours;
        FirstIndex = firstIndex;
        Rows = rows;
    }

    /// <summary>Start of hour 0.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Number of hours; the last one is the evaluated hour.</summary>
    public int Hours { get; }

    /// <summary>The first hour with data; earlier hours are "no data yet", not zero traffic.</summary>
    public int FirstIndex { get; }

    /// <summary>The app's rows inside the series, none after <c>now</c>.</summary>
    public List<UsageMinute> Rows { get; }

    /// <summary>Start of the evaluated hour.</summary>
    public DateTimeOffset EvaluatedFrom => Start.AddHours(Hours - 1);

    /// <summary>End of the evaluated hour.</summary>
    public DateTimeOffset EvaluatedTo => Start.AddHours(Hours);

    /// <summary>Whether there is history from before the evaluated hour of at least <paramref name="minimum"/>.</summary>
    public bool HasBaseline(TimeSpan minimum) => FirstIndex < Hours - 1 && TimeSpan.FromHours(Hours - 1 - FirstIndex) >= minimum;

    public static HourlySeries Build(UsageWindow window, DateTimeOffset now, UsageDetectorOptions options)
    {
        var end = new DateTimeOffset(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var hours = Math.Max(2, (int)Math.Ceiling(options.BaselinePeriod.TotalHours)) + 1;
        var start = end.AddHours(-hours);
        var rows = new List<UsageMinute>();
        var first = hours - 1;
        foreach (var row in window.Minutes)
        {
            // Rows stamped after now come from a clock that went backwards or runs ahead: ignored, never counted.
            if (row is null || !string.Equals(row.AppId, window.AppId, StringComparison.Ordinal) || row.Minute > now || row.Minute < start || row.Minute >= end)
            {
                continue;
            }

            rows.Add(row);
            first = Math.Min(first, Index(start, row.Minute));
        }

        return new HourlySeries(start, hours, first, rows);
    }

    public double[] Sum(Func<UsageMinute, double> metric)
    {
        var values = new double[Hours];
        foreach (var row in Rows)
        {
            values[Index(Start, row.Minute)] += Math.Max(0, metric(row));
        }

        return values;
    }

    /// <summary>A count as a double, negatives (a broken meter) as zero: arithmetic on it cannot overflow.</summary>
    public static double Count(long value) => Math.Max(0, value);

    /// <summary>Total of a metric over the history (every hour before the evaluated one).</summary>
    public static double History(double[] values) => values.Take(values.Length - 1).Sum();

    /// <summary>
    /// Scores the evaluated hour against an hour-of-week EWMA of the previous weeks, with a robust z-score of the log
    /// residual: log because traffic noise is multiplicative (a busy hour varies by more calls than a quiet one), median
    /// and MAD because past incidents in the history must not widen the band.
    /// </summary>
    public SeasonalScore? Seasonal(double[] values, double alpha)
    {
        var current = Hours - 1;
        var expected = Expected(values, current, alpha);
        if (expected is null)
        {
            return null;
        }

        var residuals = new List<double>();
        for (var j = FirstIndex; j < current; j++)
        {
            if (Expected(values, j, alpha) is { } e)
            {
                residuals.Add(Math.Log((values[j] + 1) / (e + 1)));
            }
        }

        if (residuals.Count < 24)
        {
            return null;
        }

        var median = Median(residuals);
        var mad = Median(residuals.Select(r => Math.Abs(r - median)).ToList());

        // A floor on the spread: a perfectly regular app would otherwise alarm on a 1 % wobble.
        var scale = Math.Max(1.4826 * mad, 0.05);
        var observed = values[current];
        var z = (Math.Log((observed + 1) / (expected.Value + 1)) - median) / scale;
        return new SeasonalScore(observed, expected.Value, z, (observed + 1) / (expected.Value + 1));
    }

    private double? Expected(double[] values, int index, double alpha)
    {
        double? ewma = null;
        for (var j = index - (index - FirstIndex) / HoursPerWeek * HoursPerWeek; j < index; j += HoursPerWeek)
        {
            if (j < FirstIndex)
            {
                continue;
            }

            ewma = ewma is { } previous ? alpha * values[j] + (1 - alpha) * previous : values[j];
        }

        return ewma;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static int Index(DateTimeOffset start, DateTimeOffset minute) => (int)((minute - start).Ticks / TimeSpan.TicksPerHour);
}
