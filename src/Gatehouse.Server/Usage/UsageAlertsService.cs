using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Usage alerts as people see and handle them: list and read an app's alerts (whoever may see the app), the staff
/// overview of open alerts across apps by risk, and staff acknowledging (looked at, still counts in the risk) or
/// resolving (closed with a reason, no longer counts) an alert. Each change and its audit entry are one save.
/// </summary>
internal sealed class UsageAlertsService(GatehouseDb db, AppAccess access, AuditLog audit, IAppUsageRisk risk, TimeProvider time)
{
    /// <summary>An app's alerts, newest first, at most this many.</summary>
    public const int MaxListed = 500;
    public const int MaxReasonLength = 1000;

    public async Task<Outcome<IReadOnlyList<UsageAlertInfo>>> ListAsync(App app, string? status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var q = db.Set<UsageAlertRecord>().AsNoTracking().Where(a => a.AppId == app.Id);
        if (!string.IsNullOrWhiteSpace(status))
        {
            var s = status.Trim().ToLowerInvariant();
            if (s == "active") q = q.Where(a => a.Status == UsageAlertStatuses.Open || a.Status == UsageAlertStatuses.Acknowledged);
            else if (UsageAlertStatuses.All.Contains(s)) q = q.Where(a => a.Status == s);
            else return Refusal.Invalid("status must be open, acknowledged, resolved or active (open and acknowledged).");
        }
        var rows = await q.OrderByDescending(a => a.RaisedAt).Take(MaxListed).ToListAsync(ct);
        return Outcome<IReadOnlyList<UsageAlertInfo>>.Done([.. rows.Select(r => UsageAlertInfo.From(r, app.Slug))]);
    }

    public async Task<Outcome<UsageAlertInfo>> GetAsync(App app, Guid alertId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var row = await db.Set<UsageAlertRecord>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId && a.AppId == app.Id, ct);
        return row is null ? Refusal.NotFound("Usage alert") : UsageAlertInfo.From(row, app.Slug);
    }

    /// <summary>Staff mark an open alert as seen; it stays in the app's risk until resolved.</summary>
    public Task<Outcome<UsageAlertInfo>> AcknowledgeAsync(HttpContext http, string slug, Guid alertId, UsageAlertActionRequest? request, CancellationToken ct) =>
        ChangeAsync(http, slug, alertId, request?.Reason, UsageAlertStatuses.Acknowledged, ct);

    /// <summary>Staff close an open or acknowledged alert with a reason (handled, or a false alarm).</summary>
    public Task<Outcome<UsageAlertInfo>> ResolveAsync(HttpContext http, string slug, Guid alertId, UsageAlertActionRequest? request, CancellationToken ct) =>
        ChangeAsync(http, slug, alertId, request?.Reason, UsageAlertStatuses.Resolved, ct);

    /// <summary>Open and acknowledged alerts across apps, the riskiest app first (staff).</summary>
    public async Task<IReadOnlyList<UsageAppAlertsInfo>> OpenAcrossAppsAsync(CancellationToken ct)
    {
        var rows = await db.Set<UsageAlertRecord>().AsNoTracking()
            .Where(a => a.Status == UsageAlertStatuses.Open || a.Status == UsageAlertStatuses.Acknowledged)
            .OrderByDescending(a => a.RaisedAt).Take(MaxListed).ToListAsync(ct);
        var ids = rows.Select(r => r.AppId).Distinct().ToList();
        var apps = await db.Apps.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Slug, a.Name }).ToDictionaryAsync(a => a.Id, ct);
        var risks = await risk.RiskAsync(ids, ct);
        return [.. rows.Where(r => apps.ContainsKey(r.AppId)).GroupBy(r => r.AppId)
            .Select(g =>
            {
                var a = apps[g.Key];
                var r = risks.TryGetValue(g.Key, out var x) ? x : null;
                return new UsageAppAlertsInfo(a.Slug, a.Name, r?.Score ?? 0, r?.Level ?? "none", [.. g.Select(v => UsageAlertInfo.From(v, a.Slug))]);
            })
            .OrderByDescending(v => v.Score).ThenByDescending(v => v.Alerts.Max(x => UsageSeverities.Rank(x.Severity)))
            .ThenByDescending(v => v.Alerts.Count).ThenBy(v => v.App, StringComparer.Ordinal)];
    }

    /// <summary>The app's risk (the detection's <see cref="IAppUsageRisk"/>; none without it), its active throttle and suspensions.</summary>
    public async Task<UsageRiskInfo> RiskAsync(App app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var r = (await risk.RiskAsync([app.Id], ct)).TryGetValue(app.Id, out var x) ? x : null;
        var now = time.GetUtcNow();
        var throttle = await db.Set<UsageThrottle>().AsNoTracking().Where(t => t.AppId == app.Id && t.LiftedAt == null && t.Until > now)
            .OrderBy(t => t.Factor).FirstOrDefaultAsync(ct);
        var suspensions = await db.Set<AppAccessSuspension>().AsNoTracking().Where(x => x.AppId == app.Id && x.LiftedAt == null)
            .OrderBy(x => x.SuspendedAt).Select(x => new UsageSuspensionInfo(x.Source, x.Reason, x.SuspendedAt)).ToListAsync(ct);
        return new UsageRiskInfo(app.Slug, r?.Score ?? 0, r?.Level ?? "none", r?.OpenAlerts ?? 0,
            throttle is null ? null : new UsageThrottleInfo(throttle.Factor, throttle.From, throttle.Until, throttle.Reason, throttle.SetBy, throttle.AlertId), suspensions);
    }

    private async Task<Outcome<UsageAlertInfo>> ChangeAsync(HttpContext http, string slug, Guid alertId, string? reason, string to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (await access.FindAsync(http.User, slug, ct) is not { } app) return Refusal.NotFound("App");
        if (!await access.ActsAsStaffAsync(http.User)) return Refusal.Forbidden("Only staff (admins and reviewers) acknowledge or resolve usage alerts.");
        // Resolving takes an alert out of the app's risk: a permissive decision, which staff may not take about an
        // organisation they belong to (Apps/ConflictOfInterest). Acknowledging keeps it counted, so it stays open to them.
        if (to == UsageAlertStatuses.Resolved && await access.IsMemberAsync(http.User, app.OrganizationId, ct))
            return new Refusal(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
                "staff cannot resolve a usage alert of an organisation they belong to; another staff member resolves it");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (to == UsageAlertStatuses.Resolved && reason is null) return Refusal.Invalid("A reason is required to resolve a usage alert.");
        if (reason is { Length: > MaxReasonLength }) return Refusal.Invalid($"The reason is at most {MaxReasonLength} characters.");
        var alert = await db.Set<UsageAlertRecord>().FirstOrDefaultAsync(a => a.Id == alertId && a.AppId == app.Id, ct);
        if (alert is null) return Refusal.NotFound("Usage alert");
        if (alert.Status == UsageAlertStatuses.Resolved) return Refusal.Conflict("The usage alert is already resolved.");
        if (alert.Status == to) return Refusal.Conflict($"The usage alert is already {to}.");

        var from = alert.Status;
        alert.Status = to;
        if (to == UsageAlertStatuses.Resolved)
        {
            alert.ClosedAt = time.GetUtcNow();
            alert.ClosedBy = http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
            alert.CloseReason = reason;
        }
        var action = to == UsageAlertStatuses.Resolved ? AuditActions.UsageAlertResolved : AuditActions.UsageAlertAcknowledged;
        audit.Record(db, AuditEvent.By(http, action, app.OrganizationId.ToString(), alert.Id.ToString(),
            new { app = app.Slug, detector = alert.DetectorId, from, reason }));
        await db.SaveChangesAsync(ct);
        return UsageAlertInfo.From(alert, app.Slug);
    }
}
