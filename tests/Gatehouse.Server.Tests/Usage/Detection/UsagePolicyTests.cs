using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Usage.Detection;

/// <summary>The risk formula, the action rules and their configuration, without a host.</summary>
public sealed class UsagePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_app_without_open_alerts_has_no_risk_and_one_fresh_high_alert_is_medium()
    {
        Assert.Equal(new Gatehouse.Server.Apps.AppUsageRiskInfo(0, "none", 0), AppUsageRisk.Of([], Now, 0));
        var one = AppUsageRisk.Of([("high", 1, Now)], Now, 1);
        Assert.Equal(40, one.Score);
        Assert.Equal("medium", one.Level);
    }

    [Fact]
    public void Repeated_and_several_alerts_raise_the_score_up_to_100_and_old_ones_decay()
    {
        Assert.Equal(68, AppUsageRisk.Of([("high", 2, Now)], Now, 1).Score); // 40 × (1 + ln 2)
        Assert.Equal("high", AppUsageRisk.Of([("high", 2, Now)], Now, 1).Level);
        Assert.Equal(100, AppUsageRisk.Of([("high", 50, Now), ("high", 1, Now), ("medium", 1, Now)], Now, 3).Score);
        Assert.Equal(20, AppUsageRisk.Of([("high", 1, Now.AddDays(-7))], Now, 1).Score); // one half-life
        // A low alert seen long ago still shows: at least 1 while open.
        var old = AppUsageRisk.Of([("low", 1, Now.AddDays(-90))], Now, 1);
        Assert.Equal((1, "low"), (old.Score, old.Level));
    }

    [Theory]
    [InlineData("usage.bulk-export", "high", true)]
    [InlineData("usage.bulk-export", "medium", false)]
    [InlineData("usage.volume-spike", "high", true)]
    [InlineData("usage.tenant-enumeration", "high", true)]
    [InlineData("usage.auth-failure-burst", "high", false)]
    [InlineData("usage.unused-scope", "low", false)]
    public void The_default_policy_throttles_high_volume_export_and_enumeration_and_never_suspends(string detector, string severity, bool throttled)
    {
        var rule = new UsageDetectionOptions().EffectiveActions.FirstOrDefault(r => r.Matches(detector, severity));
        Assert.Equal(throttled, rule is { Action: UsageActionRule.Throttle, Factor: 0.1 });
        Assert.DoesNotContain(new UsageDetectionOptions().EffectiveActions, r => r.Action == UsageActionRule.Suspend);
    }

    [Fact]
    public void Configured_actions_replace_the_defaults_and_the_detectors_thresholds_bind_from_Usage_Detectors()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Usage:DetectEvery"] = "00:30:00",
            ["Usage:AlertCooldown"] = "2.00:00:00",
            ["Usage:Actions:0:Detector"] = "*",
            ["Usage:Actions:0:MinimumSeverity"] = "medium",
            ["Usage:Actions:0:Action"] = "suspend",
            ["Usage:Detectors:AuthFailureMinimum"] = "7",
            ["Usage:Detectors:BaselinePeriod"] = "14.00:00:00",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddGatehouseUsageDetection().BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<UsageDetectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(30), options.DetectEvery);
        Assert.Equal(TimeSpan.FromDays(2), options.AlertCooldown);
        var rule = Assert.Single(options.EffectiveActions);
        Assert.True(rule.Matches("usage.error-rate-spike", "medium"));
        Assert.False(rule.Matches("usage.unused-scope", "low"));
        var detectors = services.GetRequiredService<IOptions<UsageDetectorOptions>>().Value;
        Assert.Equal(7, detectors.AuthFailureMinimum);
        Assert.Equal(TimeSpan.FromDays(14), detectors.BaselinePeriod);
        Assert.Equal(UsageDetectorOptions.Default.RobustZThreshold, detectors.RobustZThreshold);
    }

    [Fact]
    public void Unused_scope_alerts_dedup_per_scope_and_the_others_per_detector_and_installation()
    {
        Assert.NotEqual(UsageAlertRecorder.KeyOf("usage.unused-scope", null, "days-unused:a"), UsageAlertRecorder.KeyOf("usage.unused-scope", null, "days-unused:b"));
        Assert.Equal(UsageAlertRecorder.KeyOf("usage.bulk-export", null, "bytes-out/hour"), UsageAlertRecorder.KeyOf("usage.bulk-export", null, "pages/hour"));
        Assert.NotEqual(UsageAlertRecorder.KeyOf("usage.scope-violation", "t1", "x"), UsageAlertRecorder.KeyOf("usage.scope-violation", "t2", "x"));
    }
}
