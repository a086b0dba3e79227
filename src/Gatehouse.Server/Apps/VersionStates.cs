namespace Gatehouse.Server.Apps;

/// <summary>
/// The states of a version: <c>draft → submitted → scanning → in-review → approved | changes-requested |
/// rejected</c>, then <c>published → quarantined | suspended → delisted</c>. The allowed moves are in
/// <see cref="Lifecycle"/>.
/// </summary>
internal static class VersionStates
{
    public const string Draft = "draft";
    public const string Submitted = "submitted";
    public const string Scanning = "scanning";
    public const string InReview = "in-review";
    public const string Approved = "approved";
    public const string ChangesRequested = "changes-requested";
    public const string Rejected = "rejected";
    public const string Published = "published";
    public const string Quarantined = "quarantined";
    public const string Suspended = "suspended";
    public const string Delisted = "delisted";

    public static readonly IReadOnlyList<string> All =
        [Draft, Submitted, Scanning, InReview, Approved, ChangesRequested, Rejected, Published, Quarantined, Suspended, Delisted];
}
