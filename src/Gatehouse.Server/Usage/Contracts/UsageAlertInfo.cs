namespace Gatehouse.Server.Usage;

/// <summary>A usage alert with its evidence: the detector, the window, the metric, what was observed against the baseline.</summary>
/// <param name="App">The app's slug.</param>
/// <param name="Status"><c>open</c>, <c>acknowledged</c> or <c>resolved</c>.</param>
/// <param name="Action">The automatic action taken (<c>throttle</c>, <c>suspend</c>), or null.</param>
internal sealed record UsageAlertInfo(
    Guid Id, string App, string DetectorId, string DetectorVersion, string? InstallationId, string Severity, double Score, string Explanation,
    DateTimeOffset EvidenceFrom, DateTimeOffset EvidenceTo, string Metric, double Observed, double Baseline,
    DateTimeOffset RaisedAt, DateTimeOffset LastSeenAt, int Occurrences, string Status, string? Action,
    DateTimeOffset? ClosedAt, string? ClosedBy, string? CloseReason)
{
    public static UsageAlertInfo From(UsageAlertRecord r, string app)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, app, r.DetectorId, r.DetectorVersion, r.InstallationId, r.Severity, r.Score, r.Explanation, r.EvidenceFrom, r.EvidenceTo,
            r.Metric, r.Observed, r.Baseline, r.RaisedAt, r.LastSeenAt, r.Occurrences, r.Status, r.Action, r.ClosedAt, r.ClosedBy, r.CloseReason);
    }
}
