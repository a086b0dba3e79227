using System.Threading.RateLimiting;
using Gatehouse.Server.Cluster;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>The per-address windows of sign-in and downloads in a real Redis: shared, atomic, local when Redis is down.</summary>
public sealed class RedisClientRateLimitsTests : IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();
    private readonly List<ClusterRedis> _connections = [];

    private (RedisClientRateLimits Limits, RedisFallbacks Fallbacks) Instance(string? configuration = null)
    {
        var redis = RedisTestServer.Connect(_prefix, configuration);
        _connections.Add(redis);
        var fallbacks = RedisTestServer.Fallbacks(redis);
        return (new RedisClientRateLimits(redis, fallbacks, TimeProvider.System), fallbacks);
    }

    private static RateLimiter Limiter(RedisClientRateLimits limits, string client, int permits) =>
        limits.FixedWindow("login", client, permits, TimeSpan.FromMinutes(1)).Factory(client);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var c in _connections) await c.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_count_one_window_per_client_and_a_refusal_says_when_to_retry()
    {
        using var a = Limiter(Instance().Limits, "192.0.2.1", 3);
        using var b = Limiter(Instance().Limits, "192.0.2.1", 3);
        Assert.False(a.AttemptAcquire().IsAcquired); // undecided without I/O: the middleware asks again asynchronously
        Assert.True((await a.AcquireAsync()).IsAcquired);
        Assert.True((await b.AcquireAsync()).IsAcquired);
        Assert.True((await a.AcquireAsync()).IsAcquired);
        using var refused = await b.AcquireAsync();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retry));
        Assert.InRange(retry, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.False((await a.AcquireAsync()).IsAcquired);
        using var other = Limiter(Instance().Limits, "192.0.2.2", 3);
        Assert.True((await other.AcquireAsync()).IsAcquired); // another address has its own window
    }

    [Fact]
    public async Task Concurrent_requests_through_two_instances_never_get_more_than_the_limit()
    {
        using var a = Limiter(Instance().Limits, "198.51.100.7", 10);
        using var b = Limiter(Instance().Limits, "198.51.100.7", 10);
        var leases = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? a : b).AcquireAsync().AsTask()));
        Assert.Equal(10, leases.Count(l => l.IsAcquired));
    }

    [Fact]
    public async Task With_redis_stopped_the_window_is_this_instances_and_still_limits()
    {
        var (limits, fallbacks) = Instance(RedisTestServer.ClosedPort());
        using var limiter = Limiter(limits, "203.0.113.9", 3);
        for (var i = 0; i < 3; i++) Assert.True((await limiter.AcquireAsync()).IsAcquired);
        using var refused = await limiter.AcquireAsync();
        Assert.False(refused.IsAcquired); // never unlimited
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out _));
        Assert.True(fallbacks.Down);
        Assert.Equal(4, fallbacks.Count);
    }
}
