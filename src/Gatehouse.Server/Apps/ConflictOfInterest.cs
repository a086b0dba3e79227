namespace Gatehouse.Server.Apps;

/// <summary>
/// The conflict-of-interest rule, in one place: a staff member who belongs to a vendor organisation may not take a
/// PERMISSIVE decision about it (approve, publish, reinstate, lift a kill switch, approve a suppression, verify
/// evidence, be assigned as its reviewer), because that would let the vendor approve itself. PROTECTIVE decisions
/// (quarantine, suspend, delist, reject, request changes, pull the kill switch, revoke or reject a suppression,
/// reject evidence) are never blocked: otherwise a vendor that enrols a reviewer makes itself unquarantinable.
/// Unknown decisions are blocked (fail closed).
/// </summary>
internal static class ConflictOfInterest
{
    /// <summary>Decision names outside the lifecycle table.</summary>
    public static class Decisions
    {
        public const string KillSwitch = "kill-switch";
        public const string LiftKillSwitch = "kill-switch-lift";
        public const string ApproveSuppression = "suppression-approve";
        public const string RejectSuppression = "suppression-reject";
        public const string RevokeSuppression = "suppression-revoke";
        public const string VerifyEvidence = "evidence-verify";
        public const string RejectEvidence = "evidence-reject";
        public const string AssignReviewer = "assign-reviewer";
    }

    private static readonly HashSet<string> Protective = new(StringComparer.Ordinal)
    {
        Lifecycle.Actions.Quarantine, Lifecycle.Actions.Suspend, Lifecycle.Actions.Delist,
        Lifecycle.Actions.Reject, Lifecycle.Actions.RequestChanges,
        Decisions.KillSwitch, Decisions.RejectSuppression, Decisions.RevokeSuppression, Decisions.RejectEvidence,
    };

    /// <summary>True when a member of the vendor organisation may not take <paramref name="decision"/> as staff.</summary>
    public static bool Blocks(string decision) => !Protective.Contains(decision);

    /// <summary>True when <paramref name="decision"/> protects customers (never blocked).</summary>
    public static bool IsProtective(string decision) => Protective.Contains(decision);
}
