namespace Gatehouse.Server.Usage;

/// <summary>
/// A throttle on an app's platform calls (table <c>usage_throttles</c>): while active (<see cref="LiftedAt"/> null and
/// now before <see cref="Until"/>), the app's rate limits are its tier's limits times <see cref="Factor"/>. Set by an
/// alert's automatic action or by staff; lifted by staff or by time.
/// </summary>
internal sealed class UsageThrottle
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    /// <summary>Share of the tier's limits left to the app, in (0, 1].</summary>
    public double Factor { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset Until { get; set; }
    /// <summary>The alert that caused it, if any.</summary>
    public Guid? AlertId { get; set; }
    public required string Reason { get; set; }
    /// <summary>A user id, or <c>system</c>.</summary>
    public required string SetBy { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }
}
