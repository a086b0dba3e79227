using System.Net;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>A server of its own with tiny limits (burst 4 per app, 2 per installation, one token per 100 s).</summary>
public sealed class TinyLimitsServer : IAsyncLifetime
{
    public GatehouseApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?>
    {
        ["Gateway:RateLimits:Default:PerApp:Burst"] = "4",
        ["Gateway:RateLimits:Default:PerApp:PerSecond"] = "0.01",
        ["Gateway:RateLimits:Default:PerInstallation:Burst"] = "2",
        ["Gateway:RateLimits:Default:PerInstallation:PerSecond"] = "0.01",
    });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The platform rate limits on the platform API: per installation, per app, the headers, a throttle.</summary>
public sealed class PlatformRateLimitTests(TinyLimitsServer server) : IClassFixture<TinyLimitsServer>
{
    [Fact]
    public async Task An_installation_then_an_app_runs_out_and_gets_429_with_the_headers_while_other_apps_are_unaffected()
    {
        var w = await ApiKeyWorld.CreateAsync(server.App);
        var (_, keyA) = await w.CreateKeyAsync(w.TenantA);
        var (_, keyB) = await w.CreateKeyAsync(w.TenantB);
        using var a = server.App.ClientWith(keyA);
        using var b = server.App.ClientWith(keyB);

        using var first = await a.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"app\";q=4;w=400, \"installation\";q=2;w=200", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"app\";r=3;t=", first.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/platform/v1/projects")).StatusCode);

        using var third = await a.GetAsync("/platform/v1/projects"); // tenant A's installation is empty
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("usage.rate-limited", await ApiKeyWorld.CodeOf(third));
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 90, 100);
        Assert.Contains("\"installation\";r=0", third.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/platform/v1/projects")).StatusCode); // tenant B: its own installation
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/platform/v1/projects")).StatusCode);
        var (_, keyB2) = await w.CreateKeyAsync(w.TenantB);
        using var b2 = server.App.ClientWith(keyB2);
        using var appEmpty = await b2.GetAsync("/platform/v1/projects"); // the app's 4 are used up (the refused call cost none)
        Assert.Equal(HttpStatusCode.TooManyRequests, appEmpty.StatusCode);

        var other = await ApiKeyWorld.CreateAsync(server.App);
        var (_, otherKey) = await other.CreateKeyAsync(other.TenantA);
        using var o = server.App.ClientWith(otherKey);
        Assert.Equal(HttpStatusCode.OK, (await o.GetAsync("/platform/v1/projects")).StatusCode);
    }

    [Fact]
    public async Task An_active_throttle_halves_the_apps_limits_and_a_lifted_one_does_not()
    {
        var w = await ApiKeyWorld.CreateAsync(server.App);
        var appId = await server.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var app = db.Apps.Single(x => x.Slug == w.AppSlug);
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            db.Add(new UsageThrottle { Id = Guid.NewGuid(), AppId = app.Id, Factor = 0.5, From = now.AddMinutes(-1), Until = now.AddHours(1), Reason = "test", SetBy = "system" });
            db.Add(new UsageThrottle { Id = Guid.NewGuid(), AppId = app.Id, Factor = 0.1, From = now.AddMinutes(-1), Until = now.AddHours(1), Reason = "lifted", SetBy = "system", LiftedAt = now, LiftedBy = "staff" });
            await db.SaveChangesAsync();
            return app.Id;
        });
        server.App.Services.GetRequiredService<IActiveThrottles>().Invalidate();
        Assert.Equal(0.5, server.App.Services.GetRequiredService<IActiveThrottles>().FactorFor(appId));
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using var client = server.App.ClientWith(key);
        using var first = await client.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"app\";q=2;w=400, \"installation\";q=1;w=200", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/platform/v1/projects")).StatusCode);
    }
}
