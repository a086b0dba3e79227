using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Views;

/// <summary>The usage API (docs/usage.md): series and top lists summed from additive minutes, who may see what, alerts handled by staff and audited.</summary>
public sealed class UsageViewsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static readonly DateTimeOffset Day1 = UsageViewWorld.Day1;

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_series_sums_additive_minutes_into_hour_and_day_buckets_and_filters_by_installation_and_endpoint(DbKind db)
    {
        var w = await UsageViewWorld.CreateAsync(await servers.For(db));
        // Two flushes of the same key in the same minute add up; 10:59 and 11:00 fall in different hours; day 2 in another day.
        await w.AddMinuteAsync(Day1.AddHours(10).AddMinutes(5), w.TenantA, "GET /platform/v1/projects", 10, s4xx: 2, s403: 1, bytes: 1000, latencySum: 100, latencyMax: 30);
        await w.AddMinuteAsync(Day1.AddHours(10).AddMinutes(5), w.TenantA, "GET /platform/v1/projects", 5, s5xx: 1, bytes: 500, latencySum: 50, latencyMax: 45);
        await w.AddMinuteAsync(Day1.AddHours(10).AddMinutes(59), w.TenantB, "GET /platform/v1/issues", 4, s4xx: 4, s403: 4, scope: 4, latencySum: 8, latencyMax: 3);
        await w.AddMinuteAsync(Day1.AddHours(11), w.TenantA, "GET /platform/v1/issues", 1, latencySum: 1, latencyMax: 1);
        await w.AddMinuteAsync(Day1.AddDays(1).AddHours(3), w.TenantA, "GET /platform/v1/projects", 7, s429: 0, latencySum: 14, latencyMax: 2);
        await w.AddMinuteAsync(Day1.AddDays(5), w.TenantA, "GET /platform/v1/projects", 100); // outside the period
        using var dev = w.App.ClientWith(w.DeveloperToken);
        var range = $"from={Uri.EscapeDataString(Day1.ToString("O"))}&to={Uri.EscapeDataString(Day1.AddDays(2).ToString("O"))}";

        var hourly = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage?{range}");
        Assert.Equal("hour", hourly.GetProperty("bucket").GetString());
        var points = hourly.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(48, points.Count);
        var ten = points[10].GetProperty("usage");
        Assert.Equal(19, ten.GetProperty("calls").GetInt64());
        Assert.Equal(6, ten.GetProperty("status4xx").GetInt64());
        Assert.Equal(1, ten.GetProperty("status5xx").GetInt64());
        Assert.Equal(5, ten.GetProperty("forbidden403").GetInt64());
        Assert.Equal(4, ten.GetProperty("scopeViolations").GetInt64());
        Assert.Equal(1500, ten.GetProperty("bytesOut").GetInt64());
        Assert.Equal(Math.Round(158.0 / 19, 2), ten.GetProperty("meanLatencyMs").GetDouble());
        Assert.Equal(45, ten.GetProperty("maxLatencyMs").GetDouble());
        Assert.Equal(1, points[11].GetProperty("usage").GetProperty("calls").GetInt64());
        Assert.Equal(7, points[27].GetProperty("usage").GetProperty("calls").GetInt64());
        Assert.Equal(27, hourly.GetProperty("total").GetProperty("calls").GetInt64());
        Assert.Equal(Day1.AddHours(10), points[10].GetProperty("start").GetDateTimeOffset());

        var daily = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage?{range}&bucket=day");
        Assert.Equal([20L, 7L], daily.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("usage").GetProperty("calls").GetInt64()));

        var forB = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage?{range}&installation={w.TenantB}");
        Assert.Equal(4, forB.GetProperty("total").GetProperty("calls").GetInt64());
        var issues = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage?{range}&endpoint={Uri.EscapeDataString("GET /platform/v1/issues")}");
        Assert.Equal(5, issues.GetProperty("total").GetProperty("calls").GetInt64());

        var endpoints = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage/endpoints?{range}");
        Assert.Equal([("GET /platform/v1/projects", 22L), ("GET /platform/v1/issues", 5L)], endpoints.GetProperty("endpoints").EnumerateArray()
            .Select(e => (e.GetProperty("endpoint").GetString(), e.GetProperty("usage").GetProperty("calls").GetInt64())));

        var installations = (await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage/installations?{range}"))
            .GetProperty("installations").EnumerateArray().ToList();
        Assert.Equal([w.TenantA, w.TenantB], installations.Select(i => i.GetProperty("tenantId").GetGuid()));
        Assert.True(installations[0].GetProperty("installed").GetBoolean());
        Assert.False(installations[1].GetProperty("installed").GetBoolean());
        Assert.StartsWith("Tenant A", installations[0].GetProperty("tenantName").GetString(), StringComparison.Ordinal);
        Assert.Equal(Day1.AddHours(10).AddMinutes(5), installations[0].GetProperty("firstCall").GetDateTimeOffset());
        Assert.Equal(Day1.AddDays(1).AddHours(3), installations[0].GetProperty("lastCall").GetDateTimeOffset());

        // The tenant's admin sees which apps called it; the app is listed with its calls for tenant A only.
        using var tenantAdmin = w.App.ClientWith(w.TenantAdminToken);
        var tenant = await tenantAdmin.GetFromJsonAsync<JsonElement>($"/api/tenants/{w.TenantA}/usage?{range}");
        var row = Assert.Single(tenant.GetProperty("apps").EnumerateArray());
        Assert.Equal(w.AppSlug, row.GetProperty("app").GetString());
        Assert.Equal(23, row.GetProperty("usage").GetProperty("calls").GetInt64());
        Assert.True(row.GetProperty("installed").GetBoolean());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Periods_are_bounded_and_the_bucket_must_be_hour_or_day(DbKind db)
    {
        var w = await UsageViewWorld.CreateAsync(await servers.For(db));
        using var dev = w.App.ClientWith(w.DeveloperToken);
        var tooLong = await dev.GetAsync($"/api/apps/{w.AppSlug}/usage?from={Uri.EscapeDataString(Day1.ToString("O"))}&to={Uri.EscapeDataString(Day1.AddDays(91).ToString("O"))}");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync($"/api/apps/{w.AppSlug}/usage?from={Uri.EscapeDataString(Day1.ToString("O"))}&to={Uri.EscapeDataString(Day1.AddDays(91).ToString("O"))}&bucket=day")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await dev.GetAsync($"/api/apps/{w.AppSlug}/usage?bucket=week")).StatusCode);
        var byDefault = await dev.GetFromJsonAsync<JsonElement>($"/api/apps/{w.AppSlug}/usage");
        Assert.Equal(7 * 24, byDefault.GetProperty("points").GetArrayLength());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Another_organisation_and_a_non_admin_of_the_tenant_get_404_and_staff_see_everything(DbKind db)
    {
        var w = await UsageViewWorld.CreateAsync(await servers.For(db));
        var alert = await w.AddAlertAsync("usage.volume-spike", "high");
        using var other = w.App.ClientWith(w.OtherDeveloperToken);
        using var reviewer = w.App.ClientWith(w.ReviewerToken);
        using var dev = w.App.ClientWith(w.DeveloperToken);
        foreach (var path in new[] { "usage", "usage/endpoints", "usage/installations", "usage/alerts", $"usage/alerts/{alert}", "usage/risk" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/apps/{w.AppSlug}/{path}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/api/apps/{w.AppSlug}/{path}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync($"/api/apps/{w.AppSlug}/{path}")).StatusCode);
        }
        // The vendor reads its alerts but does not handle them.
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.PostAsJsonAsync($"/api/apps/{w.AppSlug}/usage/alerts/{alert}/acknowledge", new { reason = "mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.GetAsync("/api/usage/alerts")).StatusCode);
        // Tenant views: the tenant's admin and staff; a tenant the caller does not administer does not exist for them.
        using var tenantAdmin = w.App.ClientWith(w.TenantAdminToken);
        Assert.Equal(HttpStatusCode.OK, (await tenantAdmin.GetAsync($"/api/tenants/{w.TenantA}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenantAdmin.GetAsync($"/api/tenants/{w.TenantB}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dev.GetAsync($"/api/tenants/{w.TenantA}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/api/tenants/{w.TenantB}/usage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"/api/tenants/{Guid.NewGuid()}/usage")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Staff_acknowledge_then_resolve_with_a_reason_each_audited_and_the_overview_lists_open_alerts_by_risk(DbKind db)
    {
        var w = await UsageViewWorld.CreateAsync(await servers.For(db));
        var low = await w.AddAlertAsync("usage.unused-scopes", "low");
        var high = await w.AddAlertAsync("usage.tenant-enumeration", "high");
        await w.AddAlertAsync("usage.error-rate-spike", "medium", UsageAlertStatuses.Resolved);
        using var reviewer = w.App.ClientWith(w.ReviewerToken);
        var baseUrl = $"/api/apps/{w.AppSlug}/usage/alerts";

        var acknowledged = await reviewer.PostAsJsonAsync($"{baseUrl}/{high}/acknowledge", new { reason = "looking into it" });
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal("acknowledged", (await acknowledged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsJsonAsync($"{baseUrl}/{high}/acknowledge", new { reason = "again" })).StatusCode);
        var noReason = await reviewer.PostAsJsonAsync($"{baseUrl}/{high}/resolve", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var resolved = await reviewer.PostAsJsonAsync($"{baseUrl}/{high}/resolve", new { reason = "tenant list sync, agreed with the vendor" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var body = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal("tenant list sync, agreed with the vendor", body.GetProperty("closeReason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsJsonAsync($"{baseUrl}/{high}/resolve", new { reason = "twice" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.PostAsJsonAsync($"{baseUrl}/{Guid.NewGuid()}/resolve", new { reason = "none" })).StatusCode);

        var entries = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Subject == high.ToString()).OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Actor, e.OrganizationId, e.Data }).ToListAsync());
        Assert.Equal([AuditActions.UsageAlertAcknowledged, AuditActions.UsageAlertResolved], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(w.Reviewer.Id, e.Actor));
        Assert.All(entries, e => Assert.Equal(w.OrgId.ToString(), e.OrganizationId));
        Assert.Contains("tenant list sync", entries[1].Data, StringComparison.Ordinal);

        var active = await reviewer.GetFromJsonAsync<JsonElement>($"{baseUrl}?status=active");
        Assert.Equal([low], active.EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync($"{baseUrl}?status=closed")).StatusCode);

        // The overview: a second app with a high alert comes before this one (low only) at the same risk score.
        var second = await UsageViewWorld.CreateAsync(w.App);
        await second.AddAlertAsync("usage.bulk-export", "high");
        var overview = (await reviewer.GetFromJsonAsync<JsonElement>("/api/usage/alerts")).EnumerateArray()
            .Select(a => a.GetProperty("app").GetString()).Where(a => a == w.AppSlug || a == second.AppSlug).ToList();
        Assert.Equal([second.AppSlug, w.AppSlug], overview);

        // A reviewer who belongs to the vendor organisation may not take the alert out of its app's risk.
        await w.App.JoinOrganizationAsync(w.OrgId, w.Reviewer);
        var conflicted = await reviewer.PostAsJsonAsync($"{baseUrl}/{low}/resolve", new { reason = "my own organisation's app is fine" });
        Assert.Equal(HttpStatusCode.Forbidden, conflicted.StatusCode);
        Assert.Contains("review.conflict-of-interest", await conflicted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
