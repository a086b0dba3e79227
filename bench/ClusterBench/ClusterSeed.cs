using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Bench.Cluster;

/// <summary>
/// The people and apps of the run. Users, their tokens and the organisation are written with the server's own types
/// (staff need two-factor sign-in before the API lets them mint a token, which is not what is measured), each with the
/// audit entry the API would have written, so the audit comparison finds no gap; the app that receives the submissions
/// and the API key are made through the API.
/// </summary>
internal sealed class ClusterSeed
{
    public required string VendorToken { get; init; }
    public required string ReviewerToken { get; init; }
    public required string AdminToken { get; init; }
    public required Guid OrganizationId { get; init; }
    public required string AppSlug { get; init; }
    public required Guid AppId { get; init; }
    public required string ApiKey { get; init; }

    public static async Task<ClusterSeed> CreateAsync(ClusterSettings settings, Progress log)
    {
        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var audit = new AuditLog(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), time);
        var keys = new ServerKeys(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gatehouse:Secrets:TokenKey"] = settings.TokenKey }).Build(), Path.GetTempPath());
        await using var db = settings.OpenDb();

        var adminId = await db.Users.Where(u => u.NormalizedEmail == settings.AdminEmail.ToUpperInvariant()).Select(u => u.Id).SingleAsync();
        var vendorId = await UserAsync(db, Roles.Developer, "vendor", now);
        var reviewerId = await UserAsync(db, Roles.Reviewer, "reviewer", now);
        var org = new Organization { Id = Guid.NewGuid(), Name = "Cluster Vendor", OwnerUserId = vendorId, CreatedAt = now };
        org.Members.Add(new OrganizationMember { UserId = vendorId, Role = OrganizationRoles.Owner, AddedAt = now });
        db.Organizations.Add(org);
        audit.Record(db, new AuditEvent(AuditActions.OrganizationCreated, vendorId, org.Id.ToString(), org.Id.ToString(), Data: new { org.Name }));

        var tokens = new TokenService(db, keys, time);
        string Token(string userId, string role)
        {
            var scopes = Scopes.AllowedFor([role]);
            var (token, record) = tokens.Add(userId, "cluster-bench", scopes, TimeSpan.FromDays(1), null);
            audit.Record(db, new AuditEvent(AuditActions.TokenIssued, userId, Subject: record.Id, Data: new { record.Name, scopes = record.Scopes }));
            return token;
        }
        var vendorToken = Token(vendorId, Roles.Developer);
        var reviewerToken = Token(reviewerId, Roles.Reviewer);
        var adminToken = Token(adminId, Roles.Admin);

        // A live web integration installed in a tenant: API keys are for live apps only. Its version is published
        // directly (no transitions to audit), the app gets its app.created entry.
        var tenant = new Tenant { Id = Guid.NewGuid(), Name = "Cluster Customer" };
        var integration = new App
        {
            Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "cluster-api", Name = "Cluster integration", Type = "web-integration",
            Tier = "standard", CreatedBy = vendorId, CreatedAt = now,
        };
        db.Add(tenant);
        db.Apps.Add(integration);
        db.AppVersions.Add(new AppVersion
        {
            Id = Guid.NewGuid(), AppId = integration.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published,
            CreatedBy = vendorId, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
        });
        db.Add(new Installation
        {
            Id = Guid.NewGuid(), TenantId = tenant.Id, ClientId = integration.Slug, AppId = integration.Id, Scopes = string.Join(' ', PlatformScopes.All),
            InstalledBy = adminId, InstalledAt = now,
        });
        audit.Record(db, new AuditEvent(AuditActions.AppCreated, vendorId, org.Id.ToString(), integration.Id.ToString(),
            Data: new { slug = integration.Slug, integration.Name, type = integration.Type, tier = integration.Tier }));
        await db.SaveChangesAsync();
        log.Say($"seeded: vendor organisation {org.Id}, a vendor, a reviewer, tokens for them and the admin, a live integration in tenant {tenant.Id}");

        // Through the API, on the first web instance: the app that receives the submissions, the integration's API key.
        using var vendor = Client(settings.Web[0], vendorToken);
        var slug = "cluster-app";
        using (var created = await vendor.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "Cluster App", type = "downloadable", tier = "standard" }))
            if (created.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"creating the app answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        string apiKey;
        using (var created = await vendor.PostAsJsonAsync($"/api/apps/{integration.Slug}/api-keys",
                   new { name = "cluster", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = tenant.Id }))
        {
            var body = await created.Content.ReadAsStringAsync();
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"creating the API key answered {(int)created.StatusCode}: {body}");
            apiKey = JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
        }
        var appId = await db.Apps.Where(a => a.Slug == slug).Select(a => a.Id).SingleAsync();
        return new ClusterSeed
        {
            VendorToken = vendorToken, ReviewerToken = reviewerToken, AdminToken = adminToken, OrganizationId = org.Id, AppSlug = slug,
            AppId = appId, ApiKey = apiKey,
        };
    }

    public static HttpClient Client(Uri server, string token)
    {
        var c = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    private static async Task<string> UserAsync(GatehouseDb db, string role, string prefix, DateTimeOffset now)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@cluster.test";
        var user = new GatehouseUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true, SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = now,
        };
        db.Users.Add(user);
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        return user.Id;
    }
}
