using System.Threading.RateLimiting;
using Gatehouse.Server.Gateway;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;

namespace Gatehouse.Server.Tests.Gateway;

/// <summary>The token buckets, the store's all-or-nothing rule, the headers and the route metadata, without a host.</summary>
public sealed class PlatformRateLimitLogicTests
{
    private static TokenBucketLimit Limit(int burst, double perSecond) => new() { Burst = burst, PerSecond = perSecond };

    [Fact]
    public void A_bucket_allows_its_burst_then_refuses_until_time_refills_it()
    {
        var time = new FakeTimeProvider();
        var bucket = new PlatformTokenBucket(Limit(3, 2), time);
        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(bucket.TryTake().Allowed));
        var refused = bucket.TryTake();
        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(0.5), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1.5), refused.UntilFull);
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(bucket.TryTake().Allowed);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, bucket.TryTake().Remaining); // never more than the burst
    }

    [Fact]
    public void A_smaller_limit_applies_at_once_and_the_lease_tells_when_to_retry()
    {
        var time = new FakeTimeProvider();
        var bucket = new PlatformTokenBucket(Limit(10, 10), time);
        bucket.Limit = Limit(2, 1);
        Assert.True(bucket.AttemptAcquire().IsAcquired);
        Assert.True(bucket.AttemptAcquire().IsAcquired);
        using var lease = bucket.AttemptAcquire();
        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.Equal(TimeSpan.FromSeconds(1), retry);
        Assert.Equal(0, bucket.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task The_store_takes_from_all_buckets_or_none()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryPlatformRateLimitStore(time);
        PlatformBucketRequest[] call = [new("app", "app:1", Limit(5, 1)), new("installation", "installation:1:a", Limit(1, 1))];
        Assert.True((await store.TakeAsync(call, default)).All(s => s.Allowed));
        var refused = await store.TakeAsync(call, default);
        Assert.False(refused[1].Allowed);
        Assert.Equal(4, refused[0].Remaining); // the app's token of the refused call was given back
        PlatformBucketRequest[] other = [new("app", "app:1", Limit(5, 1)), new("installation", "installation:1:b", Limit(1, 1))];
        var states = await store.TakeAsync(other, default);
        Assert.True(states.All(s => s.Allowed)); // another installation of the same app still has its own bucket
        Assert.Equal(3, states[0].Remaining);
    }

    [Fact]
    public async Task Full_buckets_are_forgotten_after_a_while()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryPlatformRateLimitStore(time);
        await store.TakeAsync([new("app", "app:1", Limit(2, 1))], default);
        Assert.Equal(1, store.Count);
        time.Advance(InMemoryPlatformRateLimitStore.SweepEvery);
        await store.TakeAsync([new("app", "app:2", Limit(2, 1))], default);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void The_headers_use_the_structured_field_form_of_the_ietf_draft()
    {
        PlatformBucketRequest[] buckets = [new("app", "a", Limit(600, 10)), new("installation", "i", Limit(300, 5))];
        PlatformBucketState[] states = [new(true, 599, TimeSpan.FromSeconds(0.1), TimeSpan.Zero), new(true, 12, TimeSpan.FromSeconds(57.6), TimeSpan.Zero)];
        var (policy, remaining) = PlatformRateLimitMiddleware.Headers(buckets, states);
        Assert.Equal("\"app\";q=600;w=60, \"installation\";q=300;w=60", policy);
        Assert.Equal("\"app\";r=599;t=1, \"installation\";r=12;t=58", remaining);
    }

    [Fact]
    public void Limits_come_from_the_tier_and_a_throttle_scales_both_buckets()
    {
        var options = new PlatformRateLimitOptions();
        options.Tiers["partner"] = new PlatformTierLimits { PerApp = Limit(2000, 40), PerInstallation = Limit(400, 8) };
        var caller = new PlatformCaller(Guid.NewGuid(), "app", Guid.NewGuid(), "key", [], "Partner");
        var full = PlatformRateLimitMiddleware.Buckets(options, caller, 1);
        Assert.Equal(2000, full[0].Limit.Burst);
        var halved = PlatformRateLimitMiddleware.Buckets(options, caller, 0.5);
        Assert.Equal(1000, halved[0].Limit.Burst);
        Assert.Equal(20, halved[0].Limit.PerSecond);
        Assert.Equal(200, halved[1].Limit.Burst);
        Assert.Equal(600, PlatformRateLimitMiddleware.Buckets(options, caller with { Tier = "standard" }, 1)[0].Limit.Burst);
        Assert.Equal(1, Limit(3, 1).Scaled(0.01).Burst);
        Assert.NotNull(new PlatformRateLimitOptions { Default = new() { PerApp = Limit(0, 1) } }.Problem());
    }

    [Fact]
    public void A_routes_scope_is_found_by_method_with_HEAD_as_GET_and_a_wildcard()
    {
        var route = new RouteConfig
        {
            RouteId = "r", ClusterId = "c", Match = new RouteMatch { Path = "/x/{**rest}" },
            Metadata = new Dictionary<string, string> { ["Gatehouse.Scope.GET"] = "projects.read", ["Gatehouse.Scope.post"] = "projects.write" },
        };
        Assert.Equal("projects.read", GatewayRouteMetadata.ScopeFor(route, "GET"));
        Assert.Equal("projects.read", GatewayRouteMetadata.ScopeFor(route, "HEAD"));
        Assert.Equal("projects.write", GatewayRouteMetadata.ScopeFor(route, "POST"));
        Assert.Null(GatewayRouteMetadata.ScopeFor(route, "DELETE"));
        Assert.Equal("/x/{**rest}", GatewayRouteMetadata.TemplateOf(route));
        var wild = route with { Metadata = new Dictionary<string, string> { ["Gatehouse.Scope.*"] = "issues.read" } };
        Assert.Equal("issues.read", GatewayRouteMetadata.ScopeFor(wild, "DELETE"));
    }
}
