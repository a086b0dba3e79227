using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>What a finished scan means for its version, for every purpose, without a host.</summary>
public sealed class VersionScanOutcomeTests
{
    [Theory]
    // A submission: an incomplete scan is retried while retries are left, then goes to review (flagged incomplete).
    [InlineData(ScanPurposes.Submission, Verdict.Incomplete, null, 0, 3, VersionScanStep.Retry)]
    [InlineData(ScanPurposes.Submission, Verdict.Incomplete, null, 2, 3, VersionScanStep.Retry)]
    [InlineData(ScanPurposes.Submission, Verdict.Incomplete, null, 3, 3, VersionScanStep.Review)]
    [InlineData(ScanPurposes.Submission, Verdict.Incomplete, null, 0, 0, VersionScanStep.Review)]
    [InlineData(ScanPurposes.Submission, Verdict.Reject, Verdict.Reject, 0, 3, VersionScanStep.Review)]
    [InlineData(ScanPurposes.Submission, Verdict.Pass, Verdict.Pass, 2, 3, VersionScanStep.Review)]
    // A rescan of a published version: blocking after suppressions quarantines, incomplete retries later.
    [InlineData(ScanPurposes.Rescan, Verdict.Reject, Verdict.Reject, 0, 3, VersionScanStep.Quarantine)]
    [InlineData(ScanPurposes.Rescan, Verdict.Reject, Verdict.Pass, 0, 3, VersionScanStep.Reschedule)]
    [InlineData(ScanPurposes.Rescan, Verdict.Review, Verdict.Review, 0, 3, VersionScanStep.Reschedule)]
    [InlineData(ScanPurposes.Rescan, Verdict.Incomplete, Verdict.Incomplete, 5, 3, VersionScanStep.RetryLater)]
    // A daily probe: the same rules as a rescan.
    [InlineData(ScanPurposes.Probe, Verdict.Reject, Verdict.Reject, 0, 0, VersionScanStep.Quarantine)]
    [InlineData(ScanPurposes.Probe, Verdict.Incomplete, Verdict.Incomplete, 0, 0, VersionScanStep.RetryLater)]
    [InlineData(ScanPurposes.Probe, Verdict.Pass, Verdict.Pass, 0, 0, VersionScanStep.Reschedule)]
    public void The_decision_table(string purpose, Verdict scanned, Verdict? effective, int incompleteBefore, int retries, VersionScanStep expected) =>
        Assert.Equal(expected, VersionScanOutcome.Decide(purpose, scanned, effective, incompleteBefore, retries));

    [Fact]
    public void An_incomplete_rescan_is_never_a_quarantine_whatever_its_findings()
    {
        Assert.Equal(VersionScanStep.RetryLater, VersionScanOutcome.Decide(ScanPurposes.Rescan, Verdict.Incomplete, Verdict.Incomplete, 0, 3));
        Assert.Equal(VersionScanStep.RetryLater, VersionScanOutcome.Decide(ScanPurposes.Probe, Verdict.Incomplete, Verdict.Incomplete, 0, 0));
    }

    [Theory]
    [InlineData(ScanPurposes.Adhoc)]
    [InlineData(ScanPurposes.Evidence)]
    public void Scans_that_belong_to_no_version_are_not_decided_here(string purpose) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VersionScanOutcome.Decide(purpose, Verdict.Pass, Verdict.Pass, 0, 0));
}
