using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Views;

/// <summary>
/// An organisation with an app installed in tenant A (whose admin is <see cref="TenantAdminToken"/>'s user) and not in
/// tenant B, its developer, a developer of another organisation, a reviewer, and usage rows and alerts seeded directly.
/// </summary>
internal sealed record UsageViewWorld(
    GatehouseApp App, string AppSlug, Guid AppId, Guid OrgId, string DeveloperToken, GatehouseUser Developer, string OtherDeveloperToken,
    string ReviewerToken, GatehouseUser Reviewer, Guid TenantA, Guid TenantB, string TenantAdminToken, GatehouseUser TenantAdminUser)
{
    public static readonly DateTimeOffset Day1 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    public static async Task<UsageViewWorld> CreateAsync(GatehouseApp app)
    {
        var (dev, devToken) = await app.UserWithTokenAsync(Roles.Developer, "usage-dev");
        var (_, otherToken) = await app.UserWithTokenAsync(Roles.Developer, "usage-other");
        var (reviewer, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "usage-rev");
        var (tenantAdmin, tenantAdminToken) = await app.UserWithTokenAsync(Roles.Developer, "usage-tadmin");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var (id, slug) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "usage-app-" + Guid.NewGuid().ToString("N")[..8], Name = "Usage App",
                Type = "web-integration", Tier = "standard", CreatedBy = dev.Id, CreatedAt = now,
            };
            db.Apps.Add(a);
            db.Add(new Gatehouse.Server.OAuth.Tenant { Id = tenantA, Name = "Tenant A " + tenantA.ToString("N")[..6] });
            db.Add(new Gatehouse.Server.OAuth.Tenant { Id = tenantB, Name = "Tenant B " + tenantB.ToString("N")[..6] });
            db.Add(new TenantAdmin { TenantId = tenantA, UserId = tenantAdmin.Id });
            db.Add(new Gatehouse.Server.OAuth.Installation
            {
                Id = Guid.NewGuid(), TenantId = tenantA, ClientId = a.Slug, AppId = a.Id, Scopes = "projects.read", InstalledBy = tenantAdmin.Id, InstalledAt = now,
            });
            await db.SaveChangesAsync();
            return (a.Id, a.Slug);
        });
        return new UsageViewWorld(app, slug, id, org.Id, devToken, dev, otherToken, reviewerToken, reviewer, tenantA, tenantB, tenantAdminToken, tenantAdmin);
    }

    /// <summary>Adds one <c>usage_minutes</c> row (rows are additive: the same key twice is twice the calls).</summary>
    public Task AddMinuteAsync(DateTimeOffset minute, Guid tenant, string endpoint, long calls, long s4xx = 0, long s5xx = 0, long s401 = 0,
        long s403 = 0, long s429 = 0, long scope = 0, long bytes = 0, double latencySum = 0, double latencyMax = 0, Guid? appId = null) =>
        App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            db.Add(new UsageMinuteRecord
            {
                AppId = appId ?? AppId, TenantId = tenant, CredentialId = "oauth:" + AppSlug, Endpoint = endpoint, Scope = "projects.read", Minute = minute,
                Calls = calls, Status2xx = calls - s4xx - s5xx, Status4xx = s4xx, Status5xx = s5xx, Unauthorized401 = s401, Forbidden403 = s403,
                TooMany429 = s429, ScopeViolations = scope, BytesOut = bytes, LatencyMsSum = latencySum, LatencyMsMax = latencyMax, Source = "meter",
            });
            await db.SaveChangesAsync();
        });

    /// <summary>Adds an alert for the app (or <paramref name="appId"/>) and returns its id.</summary>
    public Task<Guid> AddAlertAsync(string detector, string severity, string status = UsageAlertStatuses.Open, Guid? appId = null) =>
        App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var alert = new UsageAlertRecord
            {
                Id = Guid.NewGuid(), AppId = appId ?? AppId, OrganizationId = OrgId, DetectorId = detector, DetectorVersion = "1",
                InstallationId = TenantA.ToString(), Severity = severity, Score = 7.5, Explanation = $"{detector}: calls far above the baseline",
                EvidenceFrom = Day1.AddHours(10), EvidenceTo = Day1.AddHours(11), Metric = "calls", Observed = 900, Baseline = 40,
                RaisedAt = Day1.AddHours(11), LastSeenAt = Day1.AddHours(11), Occurrences = 1, Status = status,
            };
            db.Add(alert);
            await db.SaveChangesAsync();
            return alert.Id;
        });
}
