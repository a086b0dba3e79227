using System.Net;
using Gatehouse.Server.Data;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Metering;

/// <summary>Real platform calls with real API keys end up in <c>usage_minutes</c>: successes, 401s, scope violations, bytes, templates.</summary>
public sealed class MeteringHostTests(SharedServers servers) : IClassFixture<SharedServers>
{
    internal static Task<List<UsageMinuteRecord>> RowsOfAsync(GatehouseApp app, string slug) =>
        app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var appId = await db.Apps.Where(a => a.Slug == slug).Select(a => a.Id).SingleAsync();
            return await db.Set<UsageMinuteRecord>().AsNoTracking().Where(r => r.AppId == appId).ToListAsync();
        });

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Platform_calls_are_counted_per_minute_with_status_scope_violations_bytes_and_templates(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (keyId, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        var (revokedId, revoked) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.Where(k => k.Id == revokedId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UnixEpoch)));

        using (var client = app.ClientWith(key))
        {
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);
            for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/platform/v1/projects/{w.ProjectA}/issues?cursor=x")).StatusCode);
        }
        using (var refused = app.ClientWith(revoked))
            Assert.Equal(HttpStatusCode.Unauthorized, (await refused.GetAsync("/platform/v1/projects")).StatusCode);
        using (var stranger = app.ClientWith(null))
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/platform/v1/projects")).StatusCode);

        await app.Services.GetRequiredService<IUsageMeter>().FlushAsync(CancellationToken.None);
        var rows = await RowsOfAsync(app, w.AppSlug);

        Assert.Equal(6, rows.Sum(r => r.Calls)); // the anonymous call names no app
        Assert.All(rows, r => Assert.Equal("meter", r.Source));
        Assert.All(rows, r => Assert.DoesNotContain(w.ProjectA.ToString(), r.Endpoint, StringComparison.OrdinalIgnoreCase));
        var list = rows.Where(r => r.Endpoint == "GET /platform/v1/projects" && r.CredentialId == keyId).ToList();
        Assert.Equal(3, list.Sum(r => r.Status2xx));
        Assert.True(list.Sum(r => r.BytesOut) > 0);
        Assert.All(list, r => Assert.Equal((w.TenantA, PlatformScopes.ProjectsRead), (r.TenantId, r.Scope)));
        var issues = rows.Where(r => r.Endpoint == "GET /platform/v1/projects/{projectId}/issues").ToList();
        Assert.Equal((2L, 2L, 2L, 2L), (issues.Sum(r => r.Calls), issues.Sum(r => r.Forbidden403), issues.Sum(r => r.ScopeViolations), issues.Sum(r => r.Pages)));
        Assert.All(issues, r => Assert.Equal(PlatformScopes.IssuesRead, r.Scope));
        var unauthorized = Assert.Single(rows, r => r.CredentialId == revokedId);
        Assert.Equal((1L, 1L, 0L), (unauthorized.Calls, unauthorized.Unauthorized401, unauthorized.Status2xx));
    }

    [Fact]
    public async Task A_tenant_key_used_after_the_app_was_uninstalled_counts_a_not_installed_401_for_that_tenant()
    {
        var app = await servers.For(DbKind.Sqlite);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (keyId, key) = await w.CreateKeyAsync(w.TenantA);
        await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.OAuth.Installation>()
            .Where(i => i.TenantId == w.TenantA).ExecuteUpdateAsync(s => s.SetProperty(i => i.UninstalledAt, DateTimeOffset.UnixEpoch)));
        using (var client = app.ClientWith(key))
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        await app.Services.GetRequiredService<IUsageMeter>().FlushAsync(CancellationToken.None);
        var row = Assert.Single(await RowsOfAsync(app, w.AppSlug));
        Assert.Equal((keyId, w.TenantA, 1L, 1L), (row.CredentialId, row.TenantId, row.Unauthorized401, row.NotInstalledCalls));
    }

    [Fact]
    public async Task A_graceful_stop_flushes_every_counted_call()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Usage:FlushInterval"] = "01:00:00" });
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using (var client = app.ClientWith(key))
            for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        await app.StopAsync();
        await using var after = app.StartSibling();
        var rows = await RowsOfAsync(after, w.AppSlug);
        Assert.Equal(4, rows.Sum(r => r.Calls));
    }
}
