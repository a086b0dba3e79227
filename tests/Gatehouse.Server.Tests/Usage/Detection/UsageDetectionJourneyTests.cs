using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Tests.Usage;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gatehouse.Server.Tests.Usage.Detection;

/// <summary>
/// usage.detect on a server: the simulator's four weeks stored as usage_minutes, the handler run at chosen hours on a
/// fake clock; alerts with evidence, dedup, notifications, audit, throttles, suspension and the review queue's risk.
/// </summary>
public sealed class UsageDetectionJourneyTests(UsageDetectionServer server, ITestOutputHelper output) : IClassFixture<UsageDetectionServer>
{
    [Fact]
    public async Task Every_abuse_pattern_raises_its_alert_once_with_evidence_and_normal_traffic_raises_none()
    {
        var patterns = server.Injections.Where(i => i.DetectorId != "usage.unused-scope").OrderBy(i => i.From).ToList();
        // Both hours of each injection, on the injected and the clean apps (every run looks at all ten).
        foreach (var i in patterns)
        {
            var first = await server.RunAtAsync(i.From.AddHours(1));
            Assert.Equal(0, first.Failed);
            Assert.True(first.Raised >= 1, i.DetectorId);
            if (i == patterns[0])
            {
                var again = await server.RunAtAsync(i.From.AddHours(1));
                Assert.Equal(0, again.Raised + again.Updated + again.Actions); // the same hour twice records nothing twice
            }
            Assert.Equal(0, (await server.RunAtAsync(i.From.AddHours(2))).Failed);
        }

        var injectedIds = server.Injected.Values.ToHashSet();
        var alerts = await server.AlertsAsync(injectedIds.Concat(server.Clean.Values));
        Assert.DoesNotContain(alerts, a => !injectedIds.Contains(a.AppId)); // normal traffic: no alert at all
        var expected = server.Injections.Select(i => (App: server.Injected[i.AppId], i.DetectorId)).ToHashSet();
        var found = alerts.Select(a => (App: a.AppId, a.DetectorId)).ToHashSet();
        var truePositives = found.Count(expected.Contains);
        output.WriteLine($"precision {(double)truePositives / Math.Max(1, found.Count):0.00}, recall {(double)truePositives / expected.Count:0.00}");
        Assert.Equal(expected, found);

        foreach (var i in patterns)
        {
            var alert = Assert.Single(alerts, a => a.AppId == server.Injected[i.AppId] && a.DetectorId == i.DetectorId);
            // The evidence is the first injected hour's, or the second's when that one raised the severity (a volume spike past 10x).
            Assert.Contains(alert.EvidenceFrom, new[] { i.From, i.From.AddHours(1) });
            Assert.Equal(alert.EvidenceFrom.AddHours(1), alert.EvidenceTo);
            Assert.True(alert.Observed >= alert.Baseline, $"{i.DetectorId}: observed {alert.Observed} vs {alert.Baseline}");
            Assert.False(string.IsNullOrWhiteSpace(alert.Explanation));
            // Seen in both injected hours: one alert, two occurrences, last seen at the end of the second hour.
            Assert.Equal(2, alert.Occurrences);
            Assert.Equal(i.From.AddHours(2), alert.LastSeenAt);
            Assert.Equal(UsageAlertStatuses.Open, alert.Status);
        }
        var unused = Assert.Single(alerts, a => a.DetectorId == "usage.unused-scope");
        Assert.Equal("days-unused:admin.write", unused.Metric);
        Assert.Equal("low", unused.Severity);

        // High-severity bulk export and tenant enumeration are throttled by the default policy, once, with an entry.
        await server.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            foreach (var detector in new[] { "usage.bulk-export", "usage.tenant-enumeration" })
            {
                var alert = alerts.Single(a => a.DetectorId == detector);
                Assert.Equal("throttle", alert.Action);
                var throttle = await db.Set<UsageThrottle>().AsNoTracking().SingleAsync(t => t.AlertId == alert.Id);
                Assert.Equal(alert.AppId, throttle.AppId);
                Assert.Equal(0.1, throttle.Factor, 6);
                Assert.Equal(TimeSpan.FromHours(24), throttle.Until - throttle.From);
                Assert.Equal("system", throttle.SetBy);
            }
            Assert.Null(alerts.Single(a => a.DetectorId == "usage.error-rate-spike").Action); // medium: no default action
            var throttled = await db.AuditEntries.AsNoTracking().Where(e => e.Action == UsageAuditActions.AppThrottled).Select(e => e.Subject).ToListAsync();
            Assert.Contains(server.Slugs[server.Injected["app-crm"]], throttled);
            Assert.Contains(server.Slugs[server.Injected["app-tiny"]], throttled);

            // Each new alert: one usage.alert-raised entry (subject the alert) and outbox rows for staff and the vendor organisation.
            var raised = await db.AuditEntries.AsNoTracking().Where(e => e.Action == UsageAuditActions.AlertRaised).Select(e => e.Subject).ToListAsync();
            var outbox = await db.Outbox.AsNoTracking().Where(o => o.Event == UsageAlertRecorder.AlertEvent).ToListAsync();
            foreach (var alert in alerts)
            {
                Assert.Single(raised, s => s == alert.Id.ToString());
                var rows = outbox.Where(o => o.PayloadJson.Contains(alert.Id.ToString(), StringComparison.Ordinal)).ToList();
                Assert.Contains(rows, o => o.OrganizationId == server.OrgId);
                Assert.Contains(rows, o => o.OrganizationId == null && o.Recipient == GatehouseApp.AdminEmail);
            }

            Assert.True((await AuditApi.VerifyChainAsync(db, CancellationToken.None)).Intact);
        });
        Assert.True(server.Throttles.Invalidations >= 2);

        // The review queue shows the app's usage risk (API; the console page renders the same items).
        var crm = server.Injected["app-crm"];
        var reviewer = await server.App.CreateUserAsync(Roles.Reviewer, "usage-reviewer");
        await server.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            db.AppVersions.Add(new AppVersion
            {
                Id = Guid.NewGuid(), AppId = crm, OrganizationId = server.OrgId, Version = "2.0.0", State = VersionStates.InReview,
                CreatedBy = reviewer.Id, CreatedAt = now, UpdatedAt = now, SubmittedAt = now,
            });
            await db.SaveChangesAsync();
        });
        var (token, _) = await server.App.IssueTokenAsync(reviewer.Id, [.. Scopes.AllowedFor([Roles.Reviewer])]);
        using var client = server.App.ClientWith(token);
        var queue = await client.GetFromJsonAsync<JsonElement>("/api/review/queue");
        var item = queue.EnumerateArray().Single(q => q.GetProperty("app").GetString() == server.Slugs[crm]);
        Assert.InRange(item.GetProperty("usageRiskScore").GetInt32(), 1, 100);
        Assert.NotEqual("none", item.GetProperty("usageRisk").GetString());
        Assert.Equal(1, item.GetProperty("usageOpenAlerts").GetInt32());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_suspend_policy_suspends_the_app_and_its_API_key_is_refused_until_lifted(DbKind db)
    {
        // A server of its own: the suspension is the point, and detection runs over every app of the server.
        await using var host = await GatehouseApp.StartAsync(db, UsageDetectionServer.Settings);
        var w = await ApiKeyWorld.CreateAsync(host);
        var (keyId, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = host.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        // An authentication failure burst in the last complete hour (no baseline needed).
        var now = TimeProvider.System.GetUtcNow();
        var appId = await host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var id = await db.Apps.Where(a => a.Slug == w.AppSlug).Select(a => a.Id).SingleAsync();
            db.Add(new UsageMinuteRecord
            {
                AppId = id, TenantId = w.TenantA, CredentialId = keyId, Endpoint = "GET /platform/v1/projects", Scope = "", Source = "meter",
                Minute = UsageWindows.HourOf(now).AddMinutes(-30), Calls = 500, Status4xx = 450, Unauthorized401 = 450, Status2xx = 50,
            });
            await db.SaveChangesAsync();
            return id;
        });
        var policy = new UsageDetectionOptions
        {
            Actions = [new UsageActionRule { Detector = "usage.auth-failure-burst", MinimumSeverity = "high", Action = UsageActionRule.Suspend }],
        };
        var run = await UsageDetectionServer.RunAtAsync(host, now, policy);
        Assert.Equal(0, run.Failed);
        var again = await UsageDetectionServer.RunAtAsync(host, now, policy);
        Assert.Equal(0, again.Actions); // never twice for one alert

        var alert = Assert.Single(await UsageDetectionServer.AlertsAsync(host, [appId]));
        Assert.Equal("usage.auth-failure-burst", alert.DetectorId);
        Assert.Equal("suspend", alert.Action);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        await host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var suspension = await db.Set<AppAccessSuspension>().AsNoTracking().SingleAsync(s => s.AppId == appId);
            Assert.Equal(AppAccessSuspensionSources.UsageAlert, suspension.Source);
            Assert.Null(suspension.LiftedAt);
            Assert.NotNull(await sp.GetRequiredService<AppAccessGate>().RefusalAsync(appId, CancellationToken.None));
            var kill = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "oauth.kill-switch" && e.Subject == w.AppSlug).SingleAsync();
            Assert.Contains(keyId, kill.Data, StringComparison.Ordinal);
            Assert.True((await AuditApi.VerifyChainAsync(db, CancellationToken.None)).Intact);
            // The revoked key is listed by the kill-switch entry, so the keys' gap check finds nothing missing for it
            // (the test's apps are inserted without app.created entries: only this key's and this app's gaps are looked at).
            var gaps = new List<AuditGap>();
            foreach (var check in sp.GetServices<IAuditGapCheck>().Where(c => c is Gatehouse.Server.ApiKeys.ApiKeyAuditGaps or SuspensionAuditGaps))
                gaps.AddRange(await check.FindAsync(CancellationToken.None));
            Assert.DoesNotContain(gaps, g => g.Subject == keyId || g.Subject == w.AppSlug);

            // Staff lift it through the existing path; the app may then get new credentials.
            var app = await db.Apps.AsNoTracking().SingleAsync(a => a.Id == appId);
            Assert.Equal(1, await sp.GetRequiredService<AppAccessGate>().LiftAsync(app, "checked: a broken deploy", "staff", null, CancellationToken.None));
        });
        await host.WithScopeAsync(async sp =>
            Assert.Null(await sp.GetRequiredService<AppAccessGate>().RefusalAsync(appId, CancellationToken.None)));
    }
}
