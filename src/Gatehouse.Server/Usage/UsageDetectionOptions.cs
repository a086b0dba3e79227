namespace Gatehouse.Server.Usage;

/// <summary>
/// The schedule, cool-down and automatic actions of usage detection (configuration section <c>Usage</c>); the detectors'
/// thresholds are <c>Usage:Detectors</c> (the engine's <see cref="Gatehouse.Analysis.Usage.UsageDetectorOptions"/>).
/// Docs: docs/usage-alerts.md.
/// </summary>
internal sealed class UsageDetectionOptions
{
    public const string Section = "Usage";

    /// <summary>How often <c>usage.detect</c> runs (default 1 hour, the detectors' evaluated window; zero disables).</summary>
    public TimeSpan DetectEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after an alert was resolved the same finding updates it instead of raising a new one (default 24 h).</summary>
    public TimeSpan AlertCooldown { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The action rules, first match wins; null (not configured) means <see cref="DefaultActions"/>. Configuring any
    /// list replaces the defaults entirely (an entry with action <c>none</c> and detector <c>*</c> turns actions off).
    /// </summary>
    public List<UsageActionRule>? Actions { get; set; }

    /// <summary>Throttle to 10 % for 24 h on a high-severity volume spike, bulk export or tenant enumeration; suspension is opt-in.</summary>
    public static IReadOnlyList<UsageActionRule> DefaultActions { get; } =
    [
        new() { Detector = "usage.volume-spike", MinimumSeverity = "high", Action = UsageActionRule.Throttle, Factor = 0.1, Duration = TimeSpan.FromHours(24) },
        new() { Detector = "usage.bulk-export", MinimumSeverity = "high", Action = UsageActionRule.Throttle, Factor = 0.1, Duration = TimeSpan.FromHours(24) },
        new() { Detector = "usage.tenant-enumeration", MinimumSeverity = "high", Action = UsageActionRule.Throttle, Factor = 0.1, Duration = TimeSpan.FromHours(24) },
    ];

    /// <summary>The rules in force.</summary>
    public IReadOnlyList<UsageActionRule> EffectiveActions => Actions ?? DefaultActions;
}
