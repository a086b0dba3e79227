using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.OAuth;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The automatic actions of usage alerts (<c>Usage:Actions</c>): throttle the app (a <see cref="UsageThrottle"/>) or
/// suspend its access pending review (an <see cref="AppAccessSuspension"/> of source <c>usage.alert</c> through
/// <see cref="AppAccessGate"/>, and every token and API key revoked, as the kill switch does). Both join the alert's
/// unit of work; staff lift a suspension through the existing lift path (<c>POST /api/apps/{app}/kill-switch/lift</c>).
/// </summary>
internal sealed class UsageActions(
    GatehouseDb db, TimeProvider time, AuditLog audit, Notifier notifier, AppAccessGate gate, IOptions<UsageDetectionOptions> options,
    IEnumerable<IActiveThrottles> throttles, ILogger<UsageActions> logger)
{
    /// <summary>The first rule matching the alert, or null when no action applies.</summary>
    public UsageActionRule? RuleFor(UsageAlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var rule = options.Value.EffectiveActions.FirstOrDefault(r => r.Matches(alert.DetectorId, alert.Severity));
        return rule is { Action: UsageActionRule.Throttle or UsageActionRule.Suspend } ? rule : null;
    }

    /// <summary>Stages a throttle for the alert's app, its audit entry, and the throttle cache's refresh after the commit.</summary>
    public void StageThrottle(App app, UsageAlertRecord alert, UsageActionRule rule)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(rule);
        var now = time.GetUtcNow();
        // A factor outside (0, 1] would lift or stop the app entirely: clamped, so a typo in configuration cannot do either.
        var factor = double.IsFinite(rule.Factor) ? Math.Clamp(rule.Factor, 0.001, 1) : 0.1;
        var duration = rule.Duration > TimeSpan.Zero ? rule.Duration : TimeSpan.FromHours(24);
        var throttle = new UsageThrottle
        {
            Id = Guid.CreateVersion7(now), AppId = app.Id, Factor = factor, From = now, Until = now + duration, AlertId = alert.Id,
            Reason = Cap($"{alert.DetectorId} ({alert.Severity}): {alert.Explanation}", 1000), SetBy = "system",
        };
        db.Add(throttle);
        alert.Action = UsageActionRule.Throttle;
        audit.Record(db, new AuditEvent(UsageAuditActions.AppThrottled, "system", app.OrganizationId.ToString(), app.Slug, null,
            new { throttle = throttle.Id, alert = alert.Id, detector = alert.DetectorId, factor, until = throttle.Until }));
        db.AfterCommit(() =>
        {
            foreach (var t in throttles) t.Invalidate();
        });
    }

    /// <summary>
    /// Suspends the app's access for the alert: stages the suspension, then (inside the caller's transaction) revokes every
    /// token, authorization and API key of the app and audits it as <c>oauth.kill-switch</c> (so the API keys' audit gap
    /// check finds the revoked keys listed), and tells the app's webhook.
    /// </summary>
    public async Task SuspendAsync(App app, UsageAlertRecord alert, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(alert);
        var reason = $"usage alert {alert.Id}: {alert.DetectorId} ({alert.Severity})";
        gate.StageSuspension(app, AppAccessSuspensionSources.UsageAlert, null, reason, "system");
        alert.Action = UsageActionRule.Suspend;
        await db.SaveChangesAsync(ct);

        var (revoked, keys) = await gate.RevokeCredentialsAsync(app, ct);
        var (tokensRevoked, authorizationsRevoked) = (revoked.Tokens, revoked.Authorizations);
        logger.LogWarning("Usage alert {Alert} ({Detector}) suspended app {App}: {Tokens} tokens, {Authorizations} authorizations, {Keys} API keys revoked",
            alert.Id, alert.DetectorId, app.Slug, tokensRevoked, authorizationsRevoked, keys.Length);
        audit.Record(db, new AuditEvent(OAuthAuditActions.KillSwitch, "system", app.OrganizationId.ToString(), app.Slug, null,
            new { reason, source = AppAccessSuspensionSources.UsageAlert, alert = alert.Id, tokensRevoked, authorizationsRevoked, apiKeysRevoked = keys, suspended = true }));
        await notifier.QueueForAppAsync(app.Id, app.OrganizationId, AppEvents.Suspended, new { app = app.Slug, reason = AppAccessSuspensionSources.UsageAlert }, ct);
    }

    private static string Cap(string text, int max) => text.Length <= max ? text : text[..max];
}
