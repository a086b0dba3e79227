using Gatehouse.Server.Cluster;
using Gatehouse.Server.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>The platform rate limits' buckets in a real Redis: arithmetic, all or nothing, atomicity, expiry, Redis down.</summary>
public sealed class RedisPlatformRateLimitStoreTests : IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();
    private readonly List<ClusterRedis> _connections = [];

    private static TokenBucketLimit Limit(int burst, double perSecond) => new() { Burst = burst, PerSecond = perSecond };

    private RedisPlatformRateLimitStore Store(TimeProvider? scriptClock = null, string? configuration = null)
    {
        var redis = RedisTestServer.Connect(_prefix, configuration);
        _connections.Add(redis);
        return new RedisPlatformRateLimitStore(redis, RedisTestServer.Fallbacks(redis), TimeProvider.System) { ScriptClock = scriptClock };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var c in _connections) await c.DisposeAsync();
    }

    [Fact]
    public async Task A_bucket_allows_its_burst_then_refuses_until_the_clock_refills_it_as_in_memory()
    {
        var time = new FakeTimeProvider();
        var store = Store(time);
        PlatformBucketRequest[] call = [new("app", "app:1", Limit(3, 2))];
        for (var i = 0; i < 3; i++) Assert.True((await store.TakeAsync(call, default))[0].Allowed);
        var refused = (await store.TakeAsync(call, default))[0];
        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(0.5), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1.5), refused.UntilFull);
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True((await store.TakeAsync(call, default))[0].Allowed);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, (await store.TakeAsync(call, default))[0].Remaining); // never more than the burst
        // A smaller limit (a throttle) applies at once.
        PlatformBucketRequest[] throttled = [new("app", "app:1", Limit(1, 1))];
        Assert.Equal(0, (await store.TakeAsync(throttled, default))[0].Remaining);
        Assert.False((await store.TakeAsync(throttled, default))[0].Allowed);
    }

    [Fact]
    public async Task A_call_takes_from_all_its_buckets_or_from_none()
    {
        var store = Store(new FakeTimeProvider());
        PlatformBucketRequest[] call = [new("app", "app:1", Limit(5, 1)), new("installation", "installation:1:a", Limit(1, 1))];
        Assert.True((await store.TakeAsync(call, default)).All(s => s.Allowed));
        var refused = await store.TakeAsync(call, default);
        Assert.False(refused[0].Allowed);
        Assert.False(refused[1].Allowed);
        Assert.Equal(4, refused[0].Remaining); // the app's token of the refused call was not taken
        Assert.Equal(TimeSpan.Zero, refused[0].RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), refused[1].RetryAfter);
        PlatformBucketRequest[] other = [new("app", "app:1", Limit(5, 1)), new("installation", "installation:1:b", Limit(1, 1))];
        var states = await store.TakeAsync(other, default);
        Assert.True(states.All(s => s.Allowed)); // another installation of the same app has its own bucket
        Assert.Equal(3, states[0].Remaining);
    }

    [Fact]
    public async Task Two_hundred_concurrent_takes_from_two_instances_on_a_burst_of_50_get_exactly_50()
    {
        var (a, b) = (Store(), Store()); // two connections, as two web instances; Redis's own clock
        PlatformBucketRequest[] call = [new("app", "app:busy", Limit(50, 0.001)), new("installation", "installation:busy:-", Limit(1000, 0.001))];
        var takes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).TakeAsync(call, default).AsTask()));
        Assert.Equal(50, takes.Count(s => s[0].Allowed));
        Assert.Equal(949, (await a.TakeAsync([call[1]], default))[0].Remaining); // 50 and this one: refused calls took nothing from the installation
    }

    [Fact]
    public async Task A_bucket_lives_under_the_prefix_and_expires_when_it_would_be_full_again()
    {
        var store = Store(new FakeTimeProvider());
        await store.TakeAsync([new("app", "app:ttl", Limit(2, 1))], default);
        var redis = RedisTestServer.Connect(_prefix);
        _connections.Add(redis);
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(redis.Key("rl:app:ttl"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)); // one token to refill, plus a second
    }

    [Fact]
    public async Task With_redis_stopped_calls_are_answered_from_this_instances_buckets()
    {
        var redis = RedisTestServer.Connect(_prefix, RedisTestServer.ClosedPort());
        _connections.Add(redis);
        var fallbacks = RedisTestServer.Fallbacks(redis);
        var store = new RedisPlatformRateLimitStore(redis, fallbacks, TimeProvider.System);
        PlatformBucketRequest[] call = [new("app", "app:down", Limit(2, 0.001))];
        Assert.True((await store.TakeAsync(call, default))[0].Allowed);
        Assert.True((await store.TakeAsync(call, default))[0].Allowed);
        Assert.False((await store.TakeAsync(call, default))[0].Allowed); // still limited, by this instance
        Assert.True(fallbacks.Down);
        Assert.Equal(3, fallbacks.Count);
        Assert.Equal(1, store.Local.Count);
    }
}
