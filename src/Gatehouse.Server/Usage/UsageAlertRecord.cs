namespace Gatehouse.Server.Usage;

/// <summary>
/// A stored usage alert (table <c>usage_alerts</c>): one detector's finding about one app, with its evidence. The same
/// detector finding the same app (and installation) again while the alert is open, or within the cool-down after it
/// was resolved, updates this row (<see cref="LastSeenAt"/>, <see cref="Occurrences"/>) instead of adding one.
/// </summary>
internal sealed class UsageAlertRecord
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>The engine detector's id (<c>usage.volume-spike</c>).</summary>
    public required string DetectorId { get; set; }
    public required string DetectorVersion { get; set; }
    /// <summary>The installation (tenant id as text) most involved, or null.</summary>
    public string? InstallationId { get; set; }
    /// <summary><c>info</c>, <c>low</c>, <c>medium</c>, <c>high</c> (the engine's severity, lower-case).</summary>
    public required string Severity { get; set; }
    public double Score { get; set; }
    public required string Explanation { get; set; }
    public DateTimeOffset EvidenceFrom { get; set; }
    public DateTimeOffset EvidenceTo { get; set; }
    public required string Metric { get; set; }
    public double Observed { get; set; }
    public double Baseline { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public int Occurrences { get; set; }
    /// <summary>One of <see cref="UsageAlertStatuses"/>.</summary>
    public required string Status { get; set; }
    /// <summary>The automatic action taken, if any: <c>throttle</c>, <c>suspend</c>.</summary>
    public string? Action { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? CloseReason { get; set; }
}

/// <summary>The states of a <see cref="UsageAlertRecord"/>.</summary>
internal static class UsageAlertStatuses
{
    /// <summary>Raised, nobody has looked yet.</summary>
    public const string Open = "open";
    /// <summary>Staff looked and keep it open (counts in the risk score).</summary>
    public const string Acknowledged = "acknowledged";
    /// <summary>Staff closed it (handled, or a false alarm); no longer in the risk score.</summary>
    public const string Resolved = "resolved";
    public static readonly IReadOnlyList<string> All = [Open, Acknowledged, Resolved];
}
