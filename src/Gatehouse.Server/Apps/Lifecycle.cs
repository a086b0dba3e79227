namespace Gatehouse.Server.Apps;

/// <summary>Who may take an action: the vendor (a member of the owning organisation), staff (reviewer or admin) or the system.</summary>
public enum Actor
{
    Vendor,
    Staff,
    System,
}

/// <summary>One allowed move of the lifecycle.</summary>
public sealed record Move(string Action, string From, string To, Actor By);

/// <summary>
/// The lifecycle as a table: every allowed move, by action. Anything not listed is refused with
/// <c>lifecycle.invalid-transition</c>. Guards (agreement, evidence, questionnaire, scan, reviewer
/// independence) are checked by <c>VersionWorkflow</c> on top of this table.
/// </summary>
internal static class Lifecycle
{
    public static class Actions
    {
        public const string Submit = "submit";
        public const string ScanQueued = "scan-queued";
        public const string ScanCompleted = "scan-completed";
        public const string ScanRetry = "scan-retry";
        public const string Rescan = "rescan";
        public const string Approve = "approve";
        public const string RequestChanges = "request-changes";
        public const string Reject = "reject";
        public const string Publish = "publish";
        public const string Quarantine = "quarantine";
        public const string Suspend = "suspend";
        public const string Reinstate = "reinstate";
        public const string Delist = "delist";
    }

    public static readonly IReadOnlyList<Move> Moves =
    [
        new(Actions.Submit, VersionStates.Draft, VersionStates.Submitted, Actor.Vendor),
        new(Actions.Submit, VersionStates.ChangesRequested, VersionStates.Submitted, Actor.Vendor),
        new(Actions.ScanQueued, VersionStates.Submitted, VersionStates.Scanning, Actor.System),
        // Nothing to scan (a web integration submitted by reference): straight to review.
        new(Actions.ScanCompleted, VersionStates.Submitted, VersionStates.InReview, Actor.System),
        new(Actions.ScanCompleted, VersionStates.Scanning, VersionStates.InReview, Actor.System),
        new(Actions.ScanRetry, VersionStates.Scanning, VersionStates.Scanning, Actor.System),
        new(Actions.Rescan, VersionStates.InReview, VersionStates.Scanning, Actor.Staff),
        new(Actions.Approve, VersionStates.InReview, VersionStates.Approved, Actor.Staff),
        new(Actions.RequestChanges, VersionStates.InReview, VersionStates.ChangesRequested, Actor.Staff),
        new(Actions.Reject, VersionStates.InReview, VersionStates.Rejected, Actor.Staff),
        new(Actions.Publish, VersionStates.Approved, VersionStates.Published, Actor.Vendor),
        new(Actions.Publish, VersionStates.Approved, VersionStates.Published, Actor.Staff),
        new(Actions.Quarantine, VersionStates.Published, VersionStates.Quarantined, Actor.Staff),
        new(Actions.Quarantine, VersionStates.Published, VersionStates.Quarantined, Actor.System),
        new(Actions.Suspend, VersionStates.Published, VersionStates.Suspended, Actor.Staff),
        new(Actions.Reinstate, VersionStates.Quarantined, VersionStates.Published, Actor.Staff),
        new(Actions.Reinstate, VersionStates.Suspended, VersionStates.Published, Actor.Staff),
        new(Actions.Delist, VersionStates.Published, VersionStates.Delisted, Actor.Staff),
        new(Actions.Delist, VersionStates.Quarantined, VersionStates.Delisted, Actor.Staff),
        new(Actions.Delist, VersionStates.Suspended, VersionStates.Delisted, Actor.Staff),
        // A vendor withdraws its own published version.
        new(Actions.Delist, VersionStates.Published, VersionStates.Delisted, Actor.Vendor),
    ];

    /// <summary>The move for <paramref name="action"/> from <paramref name="from"/> by <paramref name="by"/>, or null when not allowed.</summary>
    public static Move? Find(string action, string from, Actor by) =>
        Moves.FirstOrDefault(m => m.Action == action && m.From == from && m.By == by);

    /// <summary>States in which the version is live in the marketplace.</summary>
    public static bool IsLive(string state) => state == VersionStates.Published;

    /// <summary>States a version can no longer leave.</summary>
    public static bool IsFinal(string state) => state is VersionStates.Rejected or VersionStates.Delisted;
}
