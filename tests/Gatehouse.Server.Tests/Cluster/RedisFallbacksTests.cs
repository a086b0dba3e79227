using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>When the shared limits ask Redis again after a failed command (a slow Redis costs one timeout per pause).</summary>
public sealed class RedisFallbacksTests
{
    [Fact]
    public async Task After_a_failed_command_callers_stay_local_for_the_pause_then_ask_redis_again()
    {
        await using var redis = RedisTestServer.Connect(RedisTestServer.NewPrefix());
        var time = new FakeTimeProvider();
        var fallbacks = RedisTestServer.Fallbacks(redis, time);
        Assert.NotNull(fallbacks.Database("test"));
        fallbacks.Failed("test", new TimeoutException("slow"));
        Assert.True(fallbacks.Down);
        Assert.Null(fallbacks.Database("test")); // within the pause: local at once, counted
        Assert.Equal(2, fallbacks.Count);
        time.Advance(Gatehouse.Server.Cluster.RedisFallbacks.Pause);
        Assert.NotNull(fallbacks.Database("test"));
        fallbacks.Answered();
        Assert.False(fallbacks.Down);
        Assert.Equal(2, fallbacks.Count);
    }
}
