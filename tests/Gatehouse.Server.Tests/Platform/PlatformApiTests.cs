using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Platform;

/// <summary>The platform API with API keys: projects and issues, scopes, strict tenant isolation.</summary>
public sealed class PlatformApiTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_tenant_key_lists_its_projects_creates_and_updates_issues(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = app.ClientWith(key);

        var projects = await client.GetFromJsonAsync<JsonElement>("/platform/v1/projects");
        var only = Assert.Single(projects.EnumerateArray());
        Assert.Equal(w.ProjectA, only.GetProperty("id").GetGuid());

        var created = await client.PostAsJsonAsync($"/platform/v1/projects/{w.ProjectA}/issues", new { title = "Printer on fire" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issueId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var patched = await client.PatchAsJsonAsync($"/platform/v1/issues/{issueId}", new { status = IssueStatuses.Closed });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("closed", (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PatchAsJsonAsync($"/platform/v1/issues/{issueId}", new { status = "deleted" })).StatusCode);

        var issues = await client.GetFromJsonAsync<JsonElement>($"/platform/v1/projects/{w.ProjectA}/issues");
        Assert.Equal("Printer on fire", Assert.Single(issues.EnumerateArray()).GetProperty("title").GetString());

        var project = await client.PostAsJsonAsync("/platform/v1/projects", new { key = "new1", name = "New project" });
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        Assert.Equal(w.TenantA, (await project.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenantId").GetGuid());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_key_of_tenant_A_never_sees_or_changes_tenant_B(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = app.ClientWith(key);

        var list = await client.GetStringAsync("/platform/v1/projects");
        Assert.DoesNotContain(w.ProjectB.ToString(), list, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Tenant B", list, StringComparison.Ordinal);

        var issues = await client.GetAsync($"/platform/v1/projects/{w.ProjectB}/issues");
        Assert.Equal(HttpStatusCode.NotFound, issues.StatusCode);
        Assert.Equal("request.not-found", await ApiKeyWorld.CodeOf(issues));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/platform/v1/projects/{w.ProjectB}/issues", new { title = "from A" })).StatusCode);
        var patch = await client.PatchAsJsonAsync($"/platform/v1/issues/{w.IssueB}", new { title = "changed by A" });
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.DoesNotContain("Tenant B secret issue", await patch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (_, keyB) = await w.CreateKeyAsync(w.TenantB, PlatformScopes.IssuesRead);
        using var clientB = app.ClientWith(keyB);
        var bIssues = await clientB.GetStringAsync($"/platform/v1/projects/{w.ProjectB}/issues");
        Assert.Contains("Tenant B secret issue", bIssues, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_key_without_the_scope_is_refused_with_insufficient_scope(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        var r = await client.GetAsync($"/platform/v1/projects/{w.ProjectA}/issues");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("auth.insufficient-scope", await ApiKeyWorld.CodeOf(r));
        Assert.Contains("insufficient_scope", r.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("issues.read", r.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var w2 = await client.PostAsJsonAsync($"/platform/v1/projects/{w.ProjectA}/issues", new { title = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, w2.StatusCode);
        Assert.Equal("auth.insufficient-scope", await ApiKeyWorld.CodeOf(w2));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_app_level_key_without_a_tenant_reads_no_tenant_data(DbKind db)
    {
        var app = await servers.For(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(null);
        using var client = app.ClientWith(key);
        var r = await client.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("auth.forbidden", await ApiKeyWorld.CodeOf(r));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Anonymous_callers_are_refused(DbKind db)
    {
        var app = await servers.For(db);
        using var client = app.ClientWith(null);
        var r = await client.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("auth.unauthenticated", await ApiKeyWorld.CodeOf(r));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Demo_mode_seeds_two_tenants_with_projects_and_issues(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Gatehouse:Demo"] = "true" });
        var w = await ApiKeyWorld.CreateAsync(app);
        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var appId = await d.Apps.Where(a => a.Slug == w.AppSlug).Select(a => a.Id).SingleAsync();
            d.Add(new Gatehouse.Server.OAuth.Installation
            {
                Id = Guid.NewGuid(), TenantId = PlatformDemoData.TenantA, ClientId = w.AppSlug, AppId = appId, Scopes = PlatformScopes.ProjectsRead,
                InstalledBy = "test", InstalledAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
            });
            await d.SaveChangesAsync();
        });
        var (_, key) = await w.CreateKeyAsync(PlatformDemoData.TenantA, PlatformScopes.ProjectsRead);
        using var client = app.ClientWith(key);
        var projects = await client.GetFromJsonAsync<JsonElement>("/platform/v1/projects");
        Assert.Equal(["OPS", "WEB"], projects.EnumerateArray().Select(p => p.GetProperty("key").GetString()!).ToArray());
    }
}
