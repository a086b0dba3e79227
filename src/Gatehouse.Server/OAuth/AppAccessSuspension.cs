using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// A suspension of an app's access to the platform: while one is active (<see cref="LiftedAt"/> is null), every
/// credential of the app is refused (<see cref="AppAccessGate.RefusalAsync(Guid, CancellationToken)"/>). Set by the
/// manual kill switch and by quarantining or suspending any version of the app; lifted only by staff, with a reason.
/// A row is history: it is never deleted, only marked lifted. Docs: docs/oauth.md, "Kill switch".
/// </summary>
public sealed class AppAccessSuspension
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>What set it: <see cref="AppAccessSuspensionSources"/>.</summary>
    public required string Source { get; set; }
    /// <summary>The version whose quarantine or suspension set it, if any.</summary>
    public Guid? VersionId { get; set; }
    public required string Reason { get; set; }
    /// <summary>The user id of who set it, or <c>system</c> (a blocking rescan or probe).</summary>
    public required string SuspendedBy { get; set; }
    public DateTimeOffset SuspendedAt { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }
    public string? LiftReason { get; set; }
}

/// <summary>What suspended an app's access (<see cref="AppAccessSuspension.Source"/>).</summary>
internal static class AppAccessSuspensionSources
{
    /// <summary>Staff pulled the kill switch (<c>POST /api/apps/{app}/kill-switch</c>).</summary>
    public const string KillSwitch = "kill-switch";
    /// <summary>A version was quarantined, by staff or by a blocking rescan or probe.</summary>
    public const string Quarantine = "version.quarantine";
    /// <summary>A version was suspended by staff.</summary>
    public const string Suspend = "version.suspend";
    /// <summary>A usage alert's automatic action (<c>Usage:Actions</c>, docs/usage-alerts.md).</summary>
    public const string UsageAlert = "usage.alert";
}
