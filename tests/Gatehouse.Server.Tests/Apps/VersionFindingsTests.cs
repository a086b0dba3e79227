using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>A version's verdict after suppressions, without a host: the engine's rule over the stored findings.</summary>
public sealed class VersionFindingsTests
{
    private static ScanFinding Row(string severity, string fingerprint, string rule = "secret.aws-access-key-id") => new()
    {
        RuleId = rule, Severity = severity, Path = "config/settings.ini", Message = "m", Fingerprint = fingerprint, AnalyzerId = "secrets",
    };

    private static Suppression Approved(string fingerprint) => new()
    {
        Fingerprint = fingerprint, RuleId = "r", Path = "p", Justification = "j", State = SuppressionStates.Approved, RequestedBy = "u",
        ExpiresAt = DateTimeOffset.UnixEpoch.AddYears(100),
    };

    [Fact]
    public void An_unsuppressed_high_finding_rejects_and_blocks()
    {
        var e = VersionFindings.Judge(Verdict.Reject, [Row("high", "fp-1")], [], Policy.Default);
        Assert.Equal(Verdict.Reject, e.Verdict);
        Assert.Equal("reject", e.VerdictName);
        Assert.Equal(["secret.aws-access-key-id"], e.Blocking);
        Assert.Equal(20, e.RiskScore);
    }

    [Fact]
    public void A_suppressed_blocking_finding_no_longer_blocks_and_the_rest_decides()
    {
        var e = VersionFindings.Judge(Verdict.Reject, [Row("high", "fp-1"), Row("medium", "fp-2", "content.active")], [Approved("fp-1")], Policy.Default);
        Assert.Equal(Verdict.Review, e.Verdict);
        Assert.Empty(e.Blocking);
        Assert.Equal(5, e.RiskScore);
        Assert.NotNull(e.Findings[0].SuppressedBy);
        Assert.Null(e.Findings[1].SuppressedBy);
    }

    [Fact]
    public void An_incomplete_scan_stays_incomplete_whatever_is_suppressed()
    {
        var e = VersionFindings.Judge(Verdict.Incomplete, [Row("high", "fp-1")], [Approved("fp-1")], Policy.Default);
        Assert.Equal(Verdict.Incomplete, e.Verdict);
        Assert.Equal("incomplete", e.VerdictName);
    }

    [Fact]
    public void A_scan_without_a_verdict_is_pending()
    {
        var e = VersionFindings.Judge(null, [], [], Policy.Default);
        Assert.Null(e.Verdict);
        Assert.Equal("pending", e.VerdictName);
    }

    [Fact]
    public void The_policy_sets_the_thresholds_and_an_unknown_severity_counts_as_critical()
    {
        var lenient = Policy.Default with { RejectAt = Severity.Critical, ReviewAt = Severity.High };
        Assert.Equal(Verdict.Review, VersionFindings.Judge(Verdict.Review, [Row("high", "fp-1")], [], lenient).Verdict);
        Assert.Equal(Verdict.Reject, VersionFindings.Judge(Verdict.Review, [Row("bogus", "fp-1")], [], lenient).Verdict);
    }
}
