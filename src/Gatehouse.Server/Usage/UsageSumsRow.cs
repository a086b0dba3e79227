namespace Gatehouse.Server.Usage;

/// <summary>
/// The sums of <see cref="UsageMinuteRecord"/> rows grouped by <typeparamref name="TKey"/>, as the database answers them
/// (rows are additive: every reader sums). A class with settable members so EF Core can project into it on both providers.
/// </summary>
internal sealed class UsageSumsRow<TKey>
{
    public required TKey Key { get; init; }
    public long Calls { get; set; }
    public long Status2xx { get; set; }
    public long Status4xx { get; set; }
    public long Status5xx { get; set; }
    public long Unauthorized401 { get; set; }
    public long Forbidden403 { get; set; }
    public long TooMany429 { get; set; }
    public long ScopeViolations { get; set; }
    public long NotInstalledCalls { get; set; }
    public long BytesOut { get; set; }
    public double LatencyMsSum { get; set; }
    public double LatencyMsMax { get; set; }

    /// <summary>Adds <paramref name="other"/> into this row (in-memory bucketing).</summary>
    public void Add<TOther>(UsageSumsRow<TOther> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Calls += other.Calls;
        Status2xx += other.Status2xx;
        Status4xx += other.Status4xx;
        Status5xx += other.Status5xx;
        Unauthorized401 += other.Unauthorized401;
        Forbidden403 += other.Forbidden403;
        TooMany429 += other.TooMany429;
        ScopeViolations += other.ScopeViolations;
        NotInstalledCalls += other.NotInstalledCalls;
        BytesOut += other.BytesOut;
        LatencyMsSum += other.LatencyMsSum;
        LatencyMsMax = Math.Max(LatencyMsMax, other.LatencyMsMax);
    }

    public UsageCounts ToCounts() => new(Calls, Status2xx, Status4xx, Status5xx, Unauthorized401, Forbidden403, TooMany429, ScopeViolations,
        NotInstalledCalls, BytesOut, Calls == 0 ? 0 : Math.Round(LatencyMsSum / Calls, 2), Math.Round(LatencyMsMax, 2));
}
