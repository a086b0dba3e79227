using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// Who may ask for which lifecycle action, decided by <see cref="VersionWorkflow.Admit"/> before any guard, without a host:
/// the conflict-of-interest rule for members who are also staff, and the refusals a malformed request gets.
/// </summary>
public sealed class VersionAdmissionTests
{
    private static readonly Caller Vendor = new("vendor-1", Actor.Vendor, "127.0.0.1");
    private static readonly Caller VendorWhoIsStaff = Vendor with { AlsoStaff = true };
    private static readonly Caller Staff = new("staff-1", Actor.Staff);

    private static VersionWorkflow.Admission Admit(string action, string state, Caller caller, IReadOnlyList<string>? reasons = null, string? text = null) =>
        VersionWorkflow.Admit(action, state, caller, reasons ?? [], text);

    [Theory]
    [InlineData(Lifecycle.Actions.Approve, VersionStates.InReview)]
    [InlineData(Lifecycle.Actions.Reinstate, VersionStates.Quarantined)]
    [InlineData(Lifecycle.Actions.Rescan, VersionStates.InReview)]
    public void A_member_who_is_staff_cannot_take_a_permissive_decision_on_their_own_version(string action, string state)
    {
        var admission = Admit(action, state, VendorWhoIsStaff);

        Assert.Equal(TransitionStatus.ConflictOfInterest, admission.Refused);
    }

    [Theory]
    [InlineData(Lifecycle.Actions.Quarantine, VersionStates.Published)]
    [InlineData(Lifecycle.Actions.Suspend, VersionStates.Published)]
    [InlineData(Lifecycle.Actions.Reject, VersionStates.InReview)]
    [InlineData(Lifecycle.Actions.RequestChanges, VersionStates.InReview)]
    public void A_member_who_is_staff_takes_a_protective_decision_as_staff(string action, string state)
    {
        var admission = Admit(action, state, VendorWhoIsStaff, ["review.other"], "why");

        Assert.Null(admission.Refused);
        Assert.Equal(Actor.Staff, admission.Caller.As);
        Assert.Equal(Vendor.UserId, admission.Caller.UserId);
        Assert.Equal(Vendor.ClientAddress, admission.Caller.ClientAddress);
    }

    [Fact]
    public void A_vendor_asking_for_a_reviewers_decision_is_refused_as_such_not_as_a_wrong_state()
    {
        var admission = Admit(Lifecycle.Actions.Approve, VersionStates.InReview, Vendor);

        Assert.Equal(TransitionStatus.ReviewersOnly, admission.Refused);
    }

    [Fact]
    public void A_vendor_move_stays_the_vendors_even_for_a_member_who_is_staff()
    {
        var admission = Admit(Lifecycle.Actions.Publish, VersionStates.Approved, VendorWhoIsStaff);

        Assert.Null(admission.Refused);
        Assert.Equal(Actor.Vendor, admission.Caller.As);
    }

    [Fact]
    public void An_action_from_no_state_is_left_to_the_lifecycle_which_refuses_it_as_a_wrong_state()
    {
        // Approve on a draft: neither the vendor nor staff has that move, so it is not "reviewers only".
        var admission = Admit(Lifecycle.Actions.Approve, VersionStates.Draft, Vendor);

        Assert.Null(admission.Refused);
        Assert.Equal(Actor.Vendor, admission.Caller.As);
    }

    [Fact]
    public void Staff_who_are_not_members_are_admitted_as_staff()
    {
        var admission = Admit(Lifecycle.Actions.Approve, VersionStates.InReview, Staff);

        Assert.Null(admission.Refused);
        Assert.Same(Staff, admission.Caller);
    }

    [Theory]
    [InlineData("")]
    [InlineData("approve-everything")]
    [InlineData(Lifecycle.Actions.ScanCompleted)] // the system's move, never a person's
    public void An_unknown_or_system_action_is_invalid_and_the_answer_lists_the_actions(string action)
    {
        var admission = Admit(action, VersionStates.InReview, Staff);

        Assert.Equal(TransitionStatus.Invalid, admission.Refused);
        Assert.Equal("action must be one of: submit, rescan, approve, request-changes, reject, publish, quarantine, suspend, reinstate, delist", admission.Detail);
    }

    [Fact]
    public void Reason_codes_must_be_known_and_at_most_twenty()
    {
        Assert.Equal(TransitionStatus.Invalid, Admit(Lifecycle.Actions.Reject, VersionStates.InReview, Staff, ["no-such-code"], "x").Refused);
        Assert.Equal(TransitionStatus.Invalid,
            Admit(Lifecycle.Actions.Reject, VersionStates.InReview, Staff, Enumerable.Repeat("review.other", 21).ToList(), "x").Refused);
        Assert.Null(Admit(Lifecycle.Actions.Reject, VersionStates.InReview, Staff, ["review.other", "GH-TLS-1"], "x").Refused);
    }

    [Fact]
    public void The_text_is_at_most_4000_characters()
    {
        var admission = Admit(Lifecycle.Actions.Reject, VersionStates.InReview, Staff, ["review.other"], new string('x', 4001));

        Assert.Equal(TransitionStatus.Invalid, admission.Refused);
        Assert.Equal("text must be at most 4000 characters", admission.Detail);
        Assert.Null(Admit(Lifecycle.Actions.Reject, VersionStates.InReview, Staff, ["review.other"], new string('x', 4000)).Refused);
    }

    [Fact]
    public void Each_refused_transition_has_its_stable_problem_code_and_status()
    {
        var v = new AppVersion { Version = "1.0.0", State = VersionStates.InReview, CreatedBy = "vendor-1" };
        TransitionOutcome Outcome(TransitionStatus status, IReadOnlyList<GuardFailure>? failures = null, string? detail = null) =>
            new(status, v, failures ?? [], detail);

        Assert.Null(VersionRefusals.Of(TransitionOutcome.Done(v), v, "approve"));
        var reviewersOnly = VersionRefusals.Of(Outcome(TransitionStatus.ReviewersOnly), v, "approve")!;
        Assert.Equal((403, "auth.forbidden", "only reviewers may approve"), (reviewersOnly.Status, reviewersOnly.Code, reviewersOnly.Message));
        var wrongState = VersionRefusals.Of(Outcome(TransitionStatus.NotAllowed), v, "publish")!;
        Assert.Equal((409, "lifecycle.invalid-transition", "cannot publish a version that is in-review"), (wrongState.Status, wrongState.Code, wrongState.Message));
        Assert.Equal((403, "review.conflict-of-interest"), (VersionRefusals.Of(Outcome(TransitionStatus.ConflictOfInterest), v, "approve")!.Status,
            VersionRefusals.Of(Outcome(TransitionStatus.ConflictOfInterest), v, "approve")!.Code));
        Assert.Equal((409, "request.conflict"), (VersionRefusals.Of(Outcome(TransitionStatus.Raced), v, "approve")!.Status,
            VersionRefusals.Of(Outcome(TransitionStatus.Raced), v, "approve")!.Code));
        var invalid = VersionRefusals.Of(Outcome(TransitionStatus.Invalid, detail: "text must be at most 4000 characters"), v, "reject")!;
        Assert.Equal((400, "request.invalid", "text must be at most 4000 characters"), (invalid.Status, invalid.Code, invalid.Message));

        GuardFailure[] failures = [new("scan.pending", "the scan has not finished"), new("questionnaire.missing", "answer it")];
        var guards = VersionRefusals.Of(Outcome(TransitionStatus.GuardFailed, failures), v, "approve")!;
        Assert.Equal((409, "lifecycle.guard-failed"), (guards.Status, guards.Code));
        Assert.Equal("scan.pending: the scan has not finished; questionnaire.missing: answer it", guards.Message);
        Assert.Equal(failures, VersionRefusals.Guards(guards));
        Assert.Empty(VersionRefusals.Guards(invalid));
    }
}
