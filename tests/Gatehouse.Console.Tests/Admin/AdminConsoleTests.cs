using System.Net;
using Gatehouse.Console.Tests.Support;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Console.Tests.Admin;

/// <summary>The admin pages: engine health and throughput charts, policy, credentials (revoke, kill switch, download keys), audit search.</summary>
public sealed class AdminConsoleTests
{
    private sealed record World(Gatehouse.Server.Apps.App App, ApiKey Key1, ApiKey Key2);

    /// <summary>An app of a vendor organisation with an OAuth client and two API keys.</summary>
    private static async Task<World> CredentialsAsync(GatehouseApp app, string name = "Admin Test App")
    {
        var owner = await app.CreateUserAsync(Roles.Developer, "vendor");
        var org = await app.CreateOrganizationAsync(owner.Id, "Vendor " + Guid.NewGuid().ToString("N")[..6]);
        return await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "admin-app-" + Guid.NewGuid().ToString("N")[..8], Name = name,
                Type = AppTypes.WebIntegration, Tier = "standard", BaseUrl = "https://app.example.com", CreatedBy = owner.Id, CreatedAt = now,
            };
            db.Apps.Add(a);
            await db.SaveChangesAsync();
            await sp.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
            {
                ClientId = a.Slug, ClientSecret = "ghs_test-secret-" + Guid.NewGuid().ToString("N"), ClientType = ClientTypes.Confidential,
                RedirectUris = { new Uri("https://app.example.com/callback") },
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            });
            var keys = sp.GetRequiredService<ApiKeyService>();
            var (_, k1) = await keys.IssueAsync(a.Id, org.Id, null, "first key", [PlatformScopes.ProjectsRead], TimeSpan.FromDays(30), owner.Id, live: true, CancellationToken.None);
            var (_, k2) = await keys.IssueAsync(a.Id, org.Id, null, "second key", [PlatformScopes.IssuesRead], TimeSpan.FromDays(30), owner.Id, live: true, CancellationToken.None);
            return new World(a, k1, k2);
        });
    }

    private static Scan NewScan(Guid org, DateTimeOffset created, DateTimeOffset? completed, ScanState state, string? verdict) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = org, SubmittedBy = "system", BlobDigest = "sha256:" + new string('c', 64), FileName = "chart.zip",
        ArtifactType = "downloadable", State = state, Verdict = verdict is null ? null : VerdictNames.Parse(verdict), CreatedAt = created, CompletedAt = completed,
    };

    [Fact]
    public async Task An_admin_checks_health_reads_policy_revokes_keys_pulls_the_kill_switch_rotates_download_keys_and_searches_the_audit_log()
    {
        // A fixed clock (at the real time, so sign-in factors still agree) makes the chart buckets deterministic.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite, null, s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var now = clock.GetUtcNow();
        var hourStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var dayStart = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
        var world = await CredentialsAsync(app);

        // Scans at known hours: two passes two hours ago, a reject five hours ago, a pass three days ago, one still queued.
        var scans = new[]
        {
            NewScan(world.App.OrganizationId, hourStart.AddHours(-2).AddMinutes(5), hourStart.AddHours(-2).AddMinutes(10), ScanState.Done, "pass"),
            NewScan(world.App.OrganizationId, hourStart.AddHours(-2).AddMinutes(15), hourStart.AddHours(-2).AddMinutes(20), ScanState.Done, "pass"),
            NewScan(world.App.OrganizationId, hourStart.AddHours(-5).AddMinutes(5), hourStart.AddHours(-5).AddMinutes(10), ScanState.Done, "reject"),
            NewScan(world.App.OrganizationId, dayStart.AddDays(-3).AddHours(1), dayStart.AddDays(-3).AddHours(1).AddMinutes(5), ScanState.Done, "pass"),
            NewScan(world.App.OrganizationId, hourStart.AddHours(-1).AddMinutes(5), null, ScanState.Queued, null),
        };
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            db.Scans.AddRange(scans);
            await db.SaveChangesAsync();
        });
        var done = scans.Where(s => s.CompletedAt is not null).ToList();
        var expected7d = done.Select(s => (s.CompletedAt!.Value.UtcDateTime.Date, s.Verdict)).Distinct().Count();
        var queued = scans.Single(s => s.CompletedAt is null);
        var expectedQueue7d = 1 + (queued.CreatedAt < dayStart ? 1 : 0);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.PageAsync(app);
        page.Dialog += async (_, d) => await d.AcceptAsync(); // data-confirm
        await Browser.SignInAsync(page, GatehouseApp.AdminEmail, GatehouseApp.AdminPassword);

        // Health: every engine is listed; ClamAV is not configured in the test host, and the page says so.
        await page.GotoAsync("/console/admin");
        Assert.Equal("Administration · Gatehouse", await page.TitleAsync());
        var clam = page.Locator("#engines tr[data-engine='ClamAV']");
        await Assertions.Expect(clam).ToContainTextAsync("not configured");
        await Assertions.Expect(clam).ToContainTextAsync("Scanning:ClamdEndpoint");
        await Assertions.Expect(page.Locator("#engines tr[data-engine='YARA']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#engines tr[data-engine='libmagic']")).ToContainTextAsync("file ");
        await Assertions.Expect(page.Locator("#readiness")).ToContainTextAsync("database");
        await Assertions.Expect(page.Locator("#count-queued")).ToHaveTextAsync("1");
        Assert.Equal(2, await page.Locator("#throughput-24h rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("#throughput-24h rect.bar-reject").CountAsync());
        Assert.Equal("2", await page.Locator("#throughput-24h rect.bar-pass").GetAttributeAsync("data-count"));
        Assert.Equal(2, await page.Locator("#queue-24h rect.bar").CountAsync());
        Assert.Equal(expected7d, await page.Locator("#throughput-7d rect.bar").CountAsync());
        Assert.Equal(expectedQueue7d, await page.Locator("#queue-7d rect.bar").CountAsync());
        Assert.Equal(24, await page.Locator("#throughput-24h-table tbody tr").CountAsync());
        Assert.Equal(7, await page.Locator("#queue-7d-table tbody tr").CountAsync());
        Assert.Equal(0, await page.Locator("[style]").CountAsync()); // presentation attributes only: the CSP holds
        await Browser.CheckAsync(page, "admin-health");

        // Policy: tiers and the requirements catalogue, each requirement linking to the guidelines.
        await page.GetByRole(AriaRole.Link, new() { Name = "Listing policy and requirements" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tiers")).ToContainTextAsync("standard");
        await Assertions.Expect(page.Locator("#tiers")).ToContainTextAsync("enterprise");
        await Assertions.Expect(page.Locator("#tiers")).ToContainTextAsync("48 hours");
        await Assertions.Expect(page.Locator("#requirements a[href='/guidelines#GH-TLS-1']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#policy-versions tbody tr")).ToHaveCountAsync(1);
        await Browser.CheckAsync(page, "admin-policy");

        // Credentials: revoke one API key, then pull the kill switch (which revokes the other).
        await page.GetByRole(AriaRole.Link, new() { Name = "OAuth clients, API keys and download keys" }).ClickAsync();
        await Assertions.Expect(page.Locator("#oauth-clients")).ToContainTextAsync(world.App.Slug);
        await Assertions.Expect(page.Locator("#oauth-clients")).ToContainTextAsync("https://app.example.com/callback");
        await Browser.CheckAsync(page, "admin-credentials");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke " + world.Key1.Id }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync($"API key {world.Key1.Id} is revoked");
        var (k1, k2) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            return (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == world.Key1.Id), await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == world.Key2.Id));
        });
        Assert.NotNull(k1.RevokedAt);
        Assert.Null(k2.RevokedAt);

        await page.GetByLabel("Reason for " + world.App.Slug).FillAsync("console test: leaked credentials");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pull the kill switch for " + world.App.Slug }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Kill switch pulled for " + world.App.Slug);
        Assert.NotNull(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking()
            .Where(k => k.Id == world.Key2.Id).Select(k => k.RevokedAt).SingleAsync()));
        await Browser.CheckAsync(page, "admin-credentials-after-kill");

        // Download keys: rotating shows a new signing key; rotating again leaves the first one verifying until it is retired.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the download signing key" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("New download signing key");
        var firstKey = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<DownloadKey>().AsNoTracking().SingleAsync());
        await Assertions.Expect(page.Locator($"#download-keys tr[data-download-key='{firstKey.Id}']")).ToContainTextAsync("signing key");
        await page.GetByLabel("Overlap in hours").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the download signing key" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("New download signing key");
        var keys = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<DownloadKey>().AsNoTracking().ToListAsync());
        Assert.Equal(2, keys.Count);
        var second = keys.Single(k => k.Id != firstKey.Id);
        Assert.Null(second.RetiresAt);
        Assert.True((keys.Single(k => k.Id == firstKey.Id).RetiresAt!.Value - now.AddHours(2)).Duration() < TimeSpan.FromMilliseconds(1));
        await Assertions.Expect(page.Locator($"#download-keys tr[data-download-key='{second.Id}']")).ToContainTextAsync("signing key");
        await Assertions.Expect(page.Locator($"#download-keys tr[data-download-key='{firstKey.Id}']")).ToContainTextAsync("verifies only");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Retire {firstKey.Id} now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync($"Download key {firstKey.Id} is retired");
        await Assertions.Expect(page.Locator($"#download-keys tr[data-download-key='{firstKey.Id}']")).ToContainTextAsync("retired");
        await Browser.CheckAsync(page, "admin-credentials-download-keys");

        // Audit: the search by action prefix finds exactly what those actions wrote.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Browser.CheckAsync(page, "admin-audit");
        await page.GetByLabel("Action starts with").FillAsync("apikey.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToContainTextAsync(AuditActions.ApiKeyRevoked);
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToContainTextAsync(world.Key1.Id);
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToContainTextAsync(GatehouseApp.AdminEmail);
        Assert.Contains("action=apikey.", page.Url, StringComparison.Ordinal);

        await page.GetByLabel("Action starts with").FillAsync("download.key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#audit-entries tbody tr").First).ToContainTextAsync(DownloadAuditActions.KeyRetired);

        await page.GetByLabel("Action starts with").FillAsync("oauth.kill");
        await page.GetByLabel("Subject").FillAsync(world.App.Slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-entries tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit-entries pre")).ToContainTextAsync("console test: leaked credentials");
        await Browser.CheckAsync(page, "admin-audit-search");

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the whole chain now" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("intact");
        await Browser.CheckAsync(page, "admin-audit-verified");
    }

    [Fact]
    public async Task Admin_pages_refuse_reviewers_and_developers_and_encode_vendor_supplied_names()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var world = await CredentialsAsync(app, "<script>alert('pwned')</script> App");
        var (_, reviewer) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        var (_, developer) = await app.UserWithTokenAsync(Roles.Developer, "developer");
        string[] pages = ["/console/admin", "/console/admin/policy", "/console/admin/credentials", "/console/admin/audit"];
        foreach (var token in new[] { reviewer, developer })
        {
            using var client = app.ClientWith(token);
            foreach (var p in pages)
            {
                using var get = await client.GetAsync(p);
                Assert.True(get.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"GET {p}: {(int)get.StatusCode}");
            }
            using var post = await client.PostAsync("/console/admin/credentials?handler=RevokeKey",
                new FormUrlEncodedContent([new("keyId", world.Key1.Id)]));
            Assert.True(post.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"POST revoke: {(int)post.StatusCode}");
        }
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking()
            .Where(k => k.Id == world.Key1.Id).Select(k => k.RevokedAt).SingleAsync()));

        // The admin sees the vendor's app name encoded, never as markup.
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        using var adminClient = app.ClientWith(adminToken);
        var html = await adminClient.GetStringAsync("/console/admin/credentials");
        Assert.Contains("&lt;script&gt;alert(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(", html, StringComparison.Ordinal);
    }
}
