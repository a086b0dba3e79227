namespace Gatehouse.Server.Usage;

/// <summary>
/// One automatic-action rule (<c>Usage:Actions</c>): an alert of <see cref="Detector"/> (or <c>*</c>) with at least
/// <see cref="MinimumSeverity"/> gets <see cref="Action"/>.
/// </summary>
internal sealed class UsageActionRule
{
    public const string None = "none";
    public const string Throttle = "throttle";
    public const string Suspend = "suspend";

    /// <summary>A detector id (<c>usage.bulk-export</c>) or <c>*</c>.</summary>
    public string Detector { get; set; } = "*";

    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string MinimumSeverity { get; set; } = "high";

    /// <summary><c>throttle</c>, <c>suspend</c> or <c>none</c>.</summary>
    public string Action { get; set; } = None;

    /// <summary>For a throttle: the share (0, 1] of the tier's limits left to the app.</summary>
    public double Factor { get; set; } = 0.1;

    /// <summary>For a throttle: how long it lasts.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>True when the rule covers an alert of <paramref name="detector"/> with <paramref name="severity"/>.</summary>
    public bool Matches(string detector, string severity) =>
        (Detector == "*" || string.Equals(Detector, detector, StringComparison.Ordinal))
        && UsageSeverities.Rank(severity) >= UsageSeverities.Rank(MinimumSeverity);
}
