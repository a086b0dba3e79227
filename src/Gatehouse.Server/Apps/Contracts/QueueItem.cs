namespace Gatehouse.Server.Apps;

/// <param name="SlaHoursLeft">Hours until the SLA is due (negative when overdue).</param>
/// <param name="RiskScore">0-100: unsuppressed findings weighted by severity (critical 40, high 20, medium 5, low 1) plus 10 for a questionnaire with warnings.</param>
public sealed record QueueItem(Guid VersionId, string App, string AppName, string Type, string Tier, string Organization, string Version,
    string State, DateTimeOffset? SubmittedAt, DateTimeOffset? SlaDueAt, double? SlaHoursLeft, bool Overdue, int Priority,
    string? AssignedReviewerId, string? ScanVerdict, string? EffectiveVerdict, string? QuestionnaireResult, int RiskScore)
{
    /// <summary>0-100: the app's usage risk from its open usage alerts (docs/usage-alerts.md, "Risk score"); 0 when none.</summary>
    public int UsageRiskScore { get; init; }

    /// <summary><c>none</c>, <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string UsageRisk { get; init; } = "none";

    /// <summary>The app's open or acknowledged usage alerts.</summary>
    public int UsageOpenAlerts { get; init; }
}
