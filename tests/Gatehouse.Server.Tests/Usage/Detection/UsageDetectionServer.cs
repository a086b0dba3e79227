using Gatehouse.Analysis.Tests.Usage;
using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Usage.Detection;

/// <summary>
/// One SQLite server for the class (usage.detect off its schedule, so only the tests run it), seeded once with the
/// engine's <see cref="TrafficSimulator"/>: four weeks of the five simulated apps with every abuse pattern injected
/// (seed 20, as the engine's tests), and two of them again without injections, stored as <c>usage_minutes</c>.
/// </summary>
public sealed class UsageDetectionServer : IAsyncLifetime
{
    public const ulong Seed = 20;

    /// <summary>usage.detect off its schedule: only the tests run it, at the hours they choose.</summary>
    public static Dictionary<string, string?> Settings => new() { ["Usage:DetectEvery"] = "00:00:00" };

    public GatehouseApp App { get; private set; } = null!;
    internal CountingThrottles Throttles { get; } = new();
    public Guid OrgId { get; private set; }
    public IReadOnlyList<TrafficSimulator.Injection> Injections { get; } = TrafficSimulator.StandardInjections();

    /// <summary>Simulated app name → server app id, for the injected run.</summary>
    public Dictionary<string, Guid> Injected { get; } = new(StringComparer.Ordinal);

    /// <summary>Simulated app name → server app id, for the clean run.</summary>
    public Dictionary<string, Guid> Clean { get; } = new(StringComparer.Ordinal);

    /// <summary>Server app id → slug.</summary>
    public Dictionary<Guid, string> Slugs { get; } = [];

    public async Task InitializeAsync()
    {
        App = await GatehouseApp.StartAsync(DbKind.Sqlite, Settings, s => s.AddSingleton<IActiveThrottles>(Throttles));
        var vendor = await App.CreateUserAsync(Roles.Developer, "usage-vendor");
        OrgId = (await App.CreateOrganizationAsync(vendor.Id)).Id;
        await SeedAsync(new TrafficSimulator(Seed, Injections), Injected, "inj", vendor.Id, TrafficSimulator.Apps.Select(a => a.App));
        // In every run the injected apps not under attack at that hour are normal traffic too; two clean apps (the
        // busiest and the quietest) add traffic that never had an injection, at little seeding cost.
        await SeedAsync(new TrafficSimulator(Seed, []), Clean, "clean", vendor.Id, ["app-big", "app-tiny"]);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private Task SeedAsync(TrafficSimulator sim, Dictionary<string, Guid> ids, string prefix, string by, IEnumerable<string> apps) => App.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<GatehouseDb>();
        db.ChangeTracker.AutoDetectChangesEnabled = false; // only adds: nothing to detect, and much faster for thousands of rows
        var tenants = new Dictionary<string, Guid>(StringComparer.Ordinal);
        Guid Tenant(string name) => tenants.TryGetValue(name, out var t) ? t : tenants[name] = Guid.NewGuid();
        var granted = TrafficSimulator.Start.AddDays(-40);
        foreach (var name in apps)
        {
            var app = new Gatehouse.Server.Apps.App
            {
                Id = Guid.NewGuid(), OrganizationId = OrgId, Slug = $"{prefix}-{name}-{Guid.NewGuid():N}"[..30], Name = name,
                Type = "web-integration", Tier = "standard", CreatedBy = by, CreatedAt = granted,
            };
            db.Apps.Add(app);
            ids[name] = app.Id;
            Slugs[app.Id] = app.Slug;
            // The simulator's apps hold files.read and users.read (used all the time); the unused-scope injection adds admin.write, never used.
            var scopes = "files.read users.read" + (sim.Injections.Any(i => i.DetectorId == "usage.unused-scope" && i.AppId == name) ? " admin.write" : "");
            foreach (var tenant in new[] { "tenant-a", "tenant-b" })
                db.Add(new Gatehouse.Server.OAuth.Installation
                {
                    Id = Guid.NewGuid(), TenantId = Tenant(tenant), ClientId = app.Slug, AppId = app.Id, Scopes = scopes, InstalledBy = by, InstalledAt = granted,
                });
            await db.SaveChangesAsync();
            // In bulk: the rows of one app in one save, then forgotten by the context.
            foreach (var chunk in sim.Rows(name).Chunk(5000))
            {
                db.AddRange(chunk.Select(m => Record(app.Id, m, Tenant(m.InstallationId))));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
    });

    private static UsageMinuteRecord Record(Guid appId, UsageMinute m, Guid tenant) => new()
    {
        AppId = appId, TenantId = tenant, CredentialId = "sim", Endpoint = m.Endpoint, Minute = m.Minute, Source = "meter",
        // Tenant A uses files.read and tenant B users.read: both scopes are seen used; calls for tenants not installed carry none.
        Scope = m.NotInstalledCalls > 0 ? "" : m.InstallationId == "tenant-a" ? "files.read" : "users.read",
        Calls = m.Calls, Status2xx = m.Status2xx, Status4xx = m.Status4xx, Status5xx = m.Status5xx, Unauthorized401 = m.Unauthorized401,
        Forbidden403 = m.Forbidden403, ScopeViolations = m.ScopeViolations, BytesOut = m.BytesOut, Pages = m.Pages, NotInstalledCalls = m.NotInstalledCalls,
    };

    /// <summary>Runs usage.detect once with the clock at <paramref name="now"/> (and other action rules when given).</summary>
    internal Task<UsageDetectHandler.Summary> RunAtAsync(DateTimeOffset now, UsageDetectionOptions? options = null) => RunAtAsync(App, now, options);

    /// <summary>Runs usage.detect once on <paramref name="app"/> with the clock at <paramref name="now"/> (and other action rules when given).</summary>
    internal static Task<UsageDetectHandler.Summary> RunAtAsync(GatehouseApp app, DateTimeOffset now, UsageDetectionOptions? options = null) => app.WithScopeAsync(sp =>
    {
        var clock = new FakeTimeProvider(now);
        var opts = Options.Create(options ?? sp.GetRequiredService<IOptions<UsageDetectionOptions>>().Value);
        var actions = ActivatorUtilities.CreateInstance<UsageActions>(sp, clock, opts);
        var recorder = ActivatorUtilities.CreateInstance<UsageAlertRecorder>(sp, actions, clock, opts);
        var handler = ActivatorUtilities.CreateInstance<UsageDetectHandler>(sp, recorder, clock);
        return handler.RunOnceAsync(CancellationToken.None);
    });

    /// <summary>The stored alerts of the apps.</summary>
    internal Task<List<UsageAlertRecord>> AlertsAsync(IEnumerable<Guid> appIds) => AlertsAsync(App, appIds);

    /// <summary>The stored alerts of the apps on <paramref name="app"/>.</summary>
    internal static Task<List<UsageAlertRecord>> AlertsAsync(GatehouseApp app, IEnumerable<Guid> appIds)
    {
        var ids = appIds.ToList();
        return app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<UsageAlertRecord>().AsNoTracking()
            .Where(a => ids.Contains(a.AppId)).ToListAsync());
    }

    /// <summary>Counts cache invalidations, in place of the gateway's throttle cache.</summary>
    internal sealed class CountingThrottles : IActiveThrottles
    {
        private int _invalidations;
        public int Invalidations => Volatile.Read(ref _invalidations);
        public double FactorFor(Guid appId) => 1;
        public void Invalidate() => Interlocked.Increment(ref _invalidations);
    }
}
