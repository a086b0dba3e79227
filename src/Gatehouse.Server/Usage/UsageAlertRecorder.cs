using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Stores one app's findings of one run as <see cref="UsageAlertRecord"/>s, in ONE transaction with their audit entries,
/// notification outbox rows and automatic actions (architecture.md, "The database is the source of truth").
/// <para>
/// Dedup: a finding with the same detector and installation (and, for unused scopes, the same scope) as an open or
/// acknowledged alert of the app, or one resolved within <see cref="UsageDetectionOptions.AlertCooldown"/>, updates that
/// alert (<see cref="UsageAlertRecord.LastSeenAt"/>, <see cref="UsageAlertRecord.Occurrences"/>, a higher severity)
/// instead of adding one. <see cref="UsageAlertRecord.LastSeenAt"/> is the end of the evaluated hour, so the same hour
/// recorded twice (a re-driven work item) changes nothing. An alert is acted on at most once.
/// </para>
/// </summary>
internal sealed class UsageAlertRecorder(GatehouseDb db, AuditLog audit, Notifier notifier, UsageActions actions, TimeProvider time,
    IOptions<UsageDetectionOptions> options)
{
    /// <summary>The notification event of a new alert, to staff and to the vendor organisation (docs/notifications.md).</summary>
    public const string AlertEvent = "app.usage-alert";

    /// <summary>What one app's findings did.</summary>
    public sealed record Result(int Raised, int Updated, int Unchanged, int Actions);

    public Task<Result> RecordAsync(App app, IReadOnlyList<UsageAlert> findings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0) return Task.FromResult(new Result(0, 0, 0, 0));
        return db.InTransactionAsync(() => RecordInTransactionAsync(app, findings, ct), ct);
    }

    /// <summary>The dedup key of a stored alert or a finding: detector, installation, and the scope of an unused-scope finding.</summary>
    public static string KeyOf(string detector, string? installation, string metric) =>
        $"{detector}|{installation}|{(metric.StartsWith("days-unused:", StringComparison.Ordinal) ? metric : "")}";

    private async Task<Result> RecordInTransactionAsync(App app, IReadOnlyList<UsageAlert> findings, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cooledFrom = now - options.Value.AlertCooldown;
        var existing = await db.Set<UsageAlertRecord>()
            .Where(a => a.AppId == app.Id && (a.Status != UsageAlertStatuses.Resolved || a.ClosedAt >= cooledFrom))
            .ToListAsync(ct);
        // The newest alert of a key is the one a finding joins (an older resolved one stays as history).
        var byKey = existing.OrderBy(a => a.RaisedAt).GroupBy(a => KeyOf(a.DetectorId, a.InstallationId, a.Metric))
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        int raised = 0, updated = 0, unchanged = 0, acted = 0;
        var suspend = new List<UsageAlertRecord>();
        foreach (var f in findings)
        {
            var severity = UsageSeverities.Of(f.Severity);
            var key = KeyOf(f.DetectorId, f.InstallationId, f.Evidence.Metric);
            UsageAlertRecord alert;
            if (byKey.TryGetValue(key, out var known))
            {
                if (f.Evidence.To <= known.LastSeenAt) { unchanged++; continue; } // this hour is already recorded
                alert = known;
                alert.LastSeenAt = f.Evidence.To;
                alert.Occurrences++;
                updated++;
                if (UsageSeverities.Rank(severity) <= UsageSeverities.Rank(alert.Severity)) continue;
                // A higher severity takes the evidence that earned it, and may now call for an action.
                Apply(alert, f, severity);
                if (alert.Status == UsageAlertStatuses.Resolved) continue;
            }
            else
            {
                alert = new UsageAlertRecord
                {
                    Id = Guid.CreateVersion7(now), AppId = app.Id, OrganizationId = app.OrganizationId, DetectorId = f.DetectorId,
                    DetectorVersion = f.DetectorVersion, InstallationId = f.InstallationId, Severity = severity, Explanation = "", Metric = "",
                    RaisedAt = now, LastSeenAt = f.Evidence.To, Occurrences = 1, Status = UsageAlertStatuses.Open,
                };
                Apply(alert, f, severity);
                db.Add(alert);
                byKey[key] = alert;
                raised++;
                var facts = Facts(app, alert);
                audit.Record(db, new AuditEvent(UsageAuditActions.AlertRaised, "system", app.OrganizationId.ToString(), alert.Id.ToString(), null, facts));
                await notifier.QueueForStaffAsync(AlertEvent, facts, ct);
                await notifier.QueueForOrganizationAsync(app.OrganizationId, AlertEvent, facts, ct);
            }

            // Never twice for one alert: an alert that already carries an action keeps it.
            if (alert.Action is not null || actions.RuleFor(alert) is not { } rule) continue;
            acted++;
            if (rule.Action == UsageActionRule.Throttle) actions.StageThrottle(app, alert, rule);
            else suspend.Add(alert);
        }

        await db.SaveChangesAsync(ct);
        // One suspension per run is enough: it revokes everything the app holds; the other alerts record it too.
        if (suspend.Count > 0)
        {
            await actions.SuspendAsync(app, suspend[0], ct);
            foreach (var a in suspend.Skip(1)) a.Action = UsageActionRule.Suspend;
            await db.SaveChangesAsync(ct);
        }
        return new Result(raised, updated, unchanged, acted);
    }

    private static void Apply(UsageAlertRecord alert, UsageAlert f, string severity)
    {
        alert.DetectorVersion = f.DetectorVersion;
        alert.Severity = severity;
        alert.Score = double.IsFinite(f.Score) ? f.Score : double.MaxValue;
        alert.Explanation = f.Explanation.Length <= 2000 ? f.Explanation : f.Explanation[..2000];
        alert.EvidenceFrom = f.Evidence.From;
        alert.EvidenceTo = f.Evidence.To;
        alert.Metric = f.Evidence.Metric.Length <= 100 ? f.Evidence.Metric : f.Evidence.Metric[..100];
        alert.Observed = double.IsFinite(f.Evidence.Observed) ? f.Evidence.Observed : double.MaxValue;
        alert.Baseline = double.IsFinite(f.Evidence.Baseline) ? f.Evidence.Baseline : double.MaxValue;
    }

    /// <summary>The facts of an alert as its audit entry and its notifications carry them.</summary>
    private static object Facts(App app, UsageAlertRecord a) => new
    {
        app = app.Slug, alertId = a.Id, detector = a.DetectorId, detectorVersion = a.DetectorVersion, installation = a.InstallationId,
        severity = a.Severity, score = a.Score, explanation = a.Explanation, metric = a.Metric, observed = a.Observed, baseline = a.Baseline,
        from = a.EvidenceFrom, to = a.EvidenceTo,
    };
}
