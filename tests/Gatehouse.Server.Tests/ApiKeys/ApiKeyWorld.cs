using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.ApiKeys;

/// <summary>An organisation with an app, a developer who manages its keys, and two tenants with a project each.</summary>
internal sealed record ApiKeyWorld(GatehouseApp App, string AppSlug, Guid OrgId, string DeveloperToken, Guid TenantA, Guid TenantB,
    Guid ProjectA, Guid ProjectB, Guid IssueB)
{
    public static async Task<ApiKeyWorld> CreateAsync(GatehouseApp app)
    {
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "keys-dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var (slug, projectA, projectB, issueB) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "keys-app-" + Guid.NewGuid().ToString("N")[..8], Name = "Keys App",
                Type = "web-integration", Tier = "standard", CreatedBy = dev.Id, CreatedAt = now,
            };
            db.Apps.Add(a);
            // Keys work only for a live app (a published version), and a tenant's key only where the app is installed.
            db.AppVersions.Add(new Gatehouse.Server.Apps.AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = Gatehouse.Server.Apps.VersionStates.Published,
                CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            });
            foreach (var t in new[] { tenantA, tenantB })
                db.Add(new Gatehouse.Server.OAuth.Installation
                {
                    Id = Guid.NewGuid(), TenantId = t, ClientId = a.Slug, AppId = a.Id, Scopes = string.Join(' ', PlatformScopes.All),
                    InstalledBy = dev.Id, InstalledAt = now,
                });
            var pa = new Project { Id = Guid.NewGuid(), TenantId = tenantA, Key = "AAA", Name = "Tenant A project" };
            var pb = new Project { Id = Guid.NewGuid(), TenantId = tenantB, Key = "BBB", Name = "Tenant B secret project" };
            var ib = new Issue { Id = Guid.NewGuid(), TenantId = tenantB, ProjectId = pb.Id, Title = "Tenant B secret issue", Status = IssueStatuses.Open, CreatedAt = now };
            db.PlatformProjects.AddRange(pa, pb);
            db.PlatformIssues.Add(ib);
            await db.SaveChangesAsync();
            return (a.Slug, pa.Id, pb.Id, ib.Id);
        });
        return new ApiKeyWorld(app, slug, org.Id, token, tenantA, tenantB, projectA, projectB, issueB);
    }

    /// <summary>Creates a key through the API as the organisation's developer.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(Guid? tenant, params string[] scopes)
    {
        using var client = App.ClientWith(DeveloperToken);
        var r = await client.PostAsJsonAsync($"/api/apps/{AppSlug}/api-keys",
            new { name = "integration", scopes = scopes.Length == 0 ? PlatformScopes.All.ToArray() : scopes, tenantId = tenant });
        if (r.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create key: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    public static async Task<string?> CodeOf(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        if (string.IsNullOrEmpty(text)) return null;
        return JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
    }
}
