using System.Text.Json;
using Gatehouse.Server.Listing;

namespace Gatehouse.Server.Tests.Listing;

/// <summary>
/// The listing policy document (<see cref="ListingPolicy"/>) without a server: its defaults, parsing and every
/// validation message. Versioning and the admin API are in <c>Apps/LifecycleTests</c>.
/// </summary>
public sealed class ListingPolicyTests
{
    [Fact]
    public void The_default_policy_is_valid_and_asks_the_enterprise_tier_for_a_certificate_and_a_recent_pen_test()
    {
        var policy = new ListingPolicy();
        Assert.Empty(policy.Validate());
        Assert.Equal(30, policy.RescanCadenceDays);
        Assert.Equal(30, policy.EvidenceExpiryWarningDays);
        Assert.Equal([5, 30, 120], policy.ScanRetryMinutes);
        Assert.Equal((1, 120), (policy.Tiers["standard"].Priority, policy.Tiers["standard"].ReviewSlaHours));
        Assert.Empty(policy.Tiers["standard"].RequiredEvidence);
        var enterprise = policy.Tiers["enterprise"];
        Assert.Equal((2, 48), (enterprise.Priority, enterprise.ReviewSlaHours));
        Assert.Equal(["iso27001", "soc2-type2"], enterprise.RequiredEvidence[0].AnyOf);
        Assert.Null(enterprise.RequiredEvidence[0].MaxAgeDays);
        Assert.Equal(["pentest-letter"], enterprise.RequiredEvidence[1].AnyOf);
        Assert.Equal(365, enterprise.RequiredEvidence[1].MaxAgeDays);
    }

    [Fact]
    public void A_policy_survives_its_own_json()
    {
        var policy = ListingPolicy.Parse("""{ "rescanCadenceDays": 7, "tiers": { "gold": { "priority": 3, "reviewSlaHours": 24 } } }""");
        var again = ListingPolicy.Parse(policy.ToJson());
        Assert.Equal(policy.ToJson(), again.ToJson());
        Assert.Equal(7, again.RescanCadenceDays);
        Assert.Equal(["gold"], again.Tiers.Keys);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var policy = ListingPolicy.Parse("""
            {
              // weekly rescans
              "rescanCadenceDays": 7,
            }
            """);
        Assert.Equal(7, policy.RescanCadenceDays);
    }

    [Fact]
    public void An_unknown_key_is_refused_by_name()
    {
        var e = Assert.ThrowsAny<JsonException>(() => ListingPolicy.Parse("""{ "rescanCadenceDays": 7, "surprise": 1 }"""));
        Assert.Contains("surprise", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "tiers": {} }""", "tiers must name at least one tier")]
    [InlineData("""{ "tiers": { "Gold": { "reviewSlaHours": 1 } } }""", "tier name 'Gold' must be 1-40 lower-case letters, digits or dashes")]
    [InlineData("""{ "tiers": { "gold": { "reviewSlaHours": 0 } } }""", "tiers.gold.reviewSlaHours must be positive")]
    [InlineData("""{ "tiers": { "gold": { "requiredEvidence": [ { "anyOf": [] } ] } } }""", "tiers.gold.requiredEvidence: anyOf must name at least one evidence type")]
    [InlineData("""{ "tiers": { "gold": { "requiredEvidence": [ { "anyOf": ["iso9001"] } ] } } }""", "tiers.gold.requiredEvidence: unknown evidence type 'iso9001'")]
    [InlineData("""{ "tiers": { "gold": { "requiredEvidence": [ { "anyOf": ["iso27001"], "maxAgeDays": 0 } ] } } }""", "tiers.gold.requiredEvidence: maxAgeDays must be positive")]
    [InlineData("""{ "evidenceExpiryWarningDays": -1 }""", "evidenceExpiryWarningDays must not be negative")]
    [InlineData("""{ "rescanCadenceDays": 0 }""", "rescanCadenceDays must be positive")]
    [InlineData("""{ "scanRetryMinutes": [5, 0] }""", "scanRetryMinutes must be positive")]
    public void Each_invalid_setting_is_refused_with_what_is_wrong(string json, string problem)
    {
        var e = Assert.ThrowsAny<JsonException>(() => ListingPolicy.Parse(json));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_named_at_once()
    {
        var e = Assert.ThrowsAny<JsonException>(() => ListingPolicy.Parse("""{ "rescanCadenceDays": 0, "evidenceExpiryWarningDays": -1 }"""));
        Assert.Contains("rescanCadenceDays must be positive", e.Message, StringComparison.Ordinal);
        Assert.Contains("evidenceExpiryWarningDays must not be negative", e.Message, StringComparison.Ordinal);
    }
}
