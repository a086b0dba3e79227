using System.Net;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>
/// Two web instances on one database and one Redis prefix: an app's calls spread over both meet its limit once, sign-in
/// posts spread over both meet one throttle, Identity's lock-out (in the database) holds on both; a third instance whose
/// Redis is stopped still answers every call and keeps limiting, by itself.
/// </summary>
public sealed class RedisSharedLimitsJourneyTests
{
    private const string Password = "a-long-enough-password";

    [Fact]
    public async Task Limits_hold_across_two_instances_and_an_instance_without_redis_limits_locally()
    {
        var settings = RedisTestServer.Settings(RedisTestServer.NewPrefix());
        settings["Gateway:RateLimits:Default:PerApp:Burst"] = "4";
        settings["Gateway:RateLimits:Default:PerApp:PerSecond"] = "0.01";
        settings["Gateway:RateLimits:Default:PerInstallation:Burst"] = "100";
        settings["Gateway:RateLimits:Default:PerInstallation:PerSecond"] = "0.01";
        settings["Gatehouse:LoginRateLimitPerMinute"] = "8";
        await using var a = await GatehouseApp.StartAsync(DbKind.Sqlite, settings);
        await using var b = a.StartSibling();

        // Platform rate limits: 4 calls of one app, alternating between the instances, then 429 on both.
        var world = await ApiKeyWorld.CreateAsync(a);
        var (_, key) = await world.CreateKeyAsync(world.TenantA);
        using var onA = a.ClientWith(key);
        using var onB = b.ClientWith(key);
        for (var i = 0; i < 4; i++)
        {
            using var ok = await (i % 2 == 0 ? onA : onB).GetAsync("/platform/v1/projects");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.StartsWith($"\"app\";r={3 - i};", ok.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        }
        foreach (var client in new[] { onA, onB })
        {
            using var refused = await client.GetAsync("/platform/v1/projects");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("usage.rate-limited", await ApiKeyWorld.CodeOf(refused));
            Assert.True(refused.Headers.Contains("Retry-After"));
        }

        // Identity's lock-out is in the database: 5 wrong passwords spread over both lock the account on both.
        var dev = await a.CreateUserAsync(Roles.Developer, "cluster-dev", Password);
        using var loginA = FormLogin.CookieClient(a);
        using var loginB = FormLogin.CookieClient(b);
        for (var i = 0; i < 5; i++)
            Assert.Equal("/account/login?error=1", (await FormLogin.PostLoginAsync(i % 2 == 0 ? loginA : loginB, dev.Email!, "wrong " + i)).Headers.Location!.OriginalString);
        Assert.Equal("/account/login?error=1", (await FormLogin.PostLoginAsync(loginB, dev.Email!, Password)).Headers.Location!.OriginalString);
        var lockedUntil = await a.WithScopeAsync(async sp => (await sp.GetRequiredService<UserManager<GatehouseUser>>().FindByIdAsync(dev.Id))!.LockoutEnd);
        Assert.True(lockedUntil > TimeProvider.System.GetUtcNow());

        // Sign-in throttling: the 6 posts above and 2 more are the address's 8 of the minute, counted on both instances.
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(loginA, "nobody@example.test", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(loginB, "nobody@example.test", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await FormLogin.PostLoginAsync(loginA, "nobody@example.test", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await FormLogin.PostLoginAsync(loginB, "nobody@example.test", "x")).StatusCode);
        Assert.Equal(0, a.Services.GetRequiredService<RedisFallbacks>().Count + b.Services.GetRequiredService<RedisFallbacks>().Count);

        // Redis stopped (a closed port): a third instance answers every call and limits by itself, never unlimited.
        await using var c = a.StartSibling(new Dictionary<string, string?> { ["Redis:Configuration"] = RedisTestServer.ClosedPort(), ["Redis:TimeoutMs"] = "500" });
        using var onC = c.ClientWith(key);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.OK, (await onC.GetAsync("/platform/v1/projects")).StatusCode); // its own bucket, full
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onC.GetAsync("/platform/v1/projects")).StatusCode);
        using var loginC = FormLogin.CookieClient(c);
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(loginC, "nobody@example.test", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await FormLogin.PostLoginAsync(loginC, "nobody@example.test", "x")).StatusCode);
        var fallbacks = c.Services.GetRequiredService<RedisFallbacks>();
        Assert.True(fallbacks.Down);
        Assert.True(fallbacks.Count >= 14);
    }
}
