namespace Gatehouse.Server.Usage;

/// <summary>Audit actions of usage detection (docs/audit.md).</summary>
internal static class UsageAuditActions
{
    /// <summary>A detector raised a new usage alert (subject: the alert id).</summary>
    public const string AlertRaised = "usage.alert-raised";

    /// <summary>An alert's automatic action throttled the app (subject: the app's slug).</summary>
    public const string AppThrottled = "usage.app-throttled";
}
