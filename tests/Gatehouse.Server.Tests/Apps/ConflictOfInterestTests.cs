using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// The conflict-of-interest rule (<see cref="ConflictOfInterest"/>) without a server: which decisions a staff member
/// who belongs to the vendor organisation may not take. The refusals through the API are in
/// <see cref="LifecycleTests"/> and <c>Evidence/EvidenceTests</c>.
/// </summary>
public sealed class ConflictOfInterestTests
{
    [Theory]
    [InlineData(Lifecycle.Actions.Approve)]
    [InlineData(Lifecycle.Actions.Publish)]
    [InlineData(Lifecycle.Actions.Reinstate)]
    [InlineData(Lifecycle.Actions.Rescan)]
    [InlineData(ConflictOfInterest.Decisions.LiftKillSwitch)]
    [InlineData(ConflictOfInterest.Decisions.ApproveSuppression)]
    [InlineData(ConflictOfInterest.Decisions.VerifyEvidence)]
    [InlineData(ConflictOfInterest.Decisions.AssignReviewer)]
    public void A_permissive_decision_is_blocked_for_a_member_of_the_vendor(string decision)
    {
        Assert.True(ConflictOfInterest.Blocks(decision));
        Assert.False(ConflictOfInterest.IsProtective(decision));
    }

    [Theory]
    [InlineData(Lifecycle.Actions.Quarantine)]
    [InlineData(Lifecycle.Actions.Suspend)]
    [InlineData(Lifecycle.Actions.Delist)]
    [InlineData(Lifecycle.Actions.Reject)]
    [InlineData(Lifecycle.Actions.RequestChanges)]
    [InlineData(ConflictOfInterest.Decisions.KillSwitch)]
    [InlineData(ConflictOfInterest.Decisions.RejectSuppression)]
    [InlineData(ConflictOfInterest.Decisions.RevokeSuppression)]
    [InlineData(ConflictOfInterest.Decisions.RejectEvidence)]
    public void A_protective_decision_is_never_blocked(string decision)
    {
        Assert.False(ConflictOfInterest.Blocks(decision));
        Assert.True(ConflictOfInterest.IsProtective(decision));
    }

    [Theory]
    [InlineData("")]
    [InlineData("approve-everything")]
    [InlineData("QUARANTINE")] // decision names are exact
    public void An_unknown_decision_is_blocked(string decision) =>
        Assert.True(ConflictOfInterest.Blocks(decision));

    [Fact]
    public void Every_staff_move_that_makes_a_version_live_or_approved_is_blocked()
    {
        var permissive = Lifecycle.Moves.Where(m => m.By == Actor.Staff && m.To is VersionStates.Approved or VersionStates.Published);
        Assert.All(permissive, m => Assert.True(ConflictOfInterest.Blocks(m.Action), $"{m.Action}: {m.From} -> {m.To}"));
    }
}
