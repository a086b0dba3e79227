using System.Net;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>
/// Several instances, one Redis (issue 21): what one instance commits about access and keys reaches the others' caches at
/// once through the Redis channel, not after their time to live. The "other instance" here is a second
/// <see cref="RedisClusterSignals"/> on the same Redis and prefix, exactly what another process would hold; the real
/// server is the one under test. Needs the redis-server that test.sh starts (<c>GATEHOUSE_TEST_REDIS</c>).
/// </summary>
public sealed class ClusterSignalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static (ClusterRedis Redis, RedisClusterSignals Signals) Instance(string prefix)
    {
        var redis = RedisTestServer.Connect(prefix);
        return (redis, new RedisClusterSignals(redis, NullLogger<RedisClusterSignals>.Instance));
    }

    [Fact]
    public async Task A_signal_reaches_the_other_instances_and_never_comes_back_to_its_sender()
    {
        var prefix = RedisTestServer.NewPrefix();
        var (ra, a) = Instance(prefix);
        var (rb, b) = Instance(prefix);
        var (rc, c) = Instance(RedisTestServer.NewPrefix()); // another installation on the same Redis
        await using (ra)
        await using (rb)
        await using (rc)
        {
            var echoes = 0;
            var bGotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var aGotSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var foreign = 0;
            using var s1 = a.Subscribe(ClusterTopics.DownloadKeys, () => Interlocked.Increment(ref echoes));
            using var s2 = b.Subscribe(ClusterTopics.DownloadKeys, () => bGotFirst.TrySetResult());
            using var s3 = a.Subscribe(ClusterTopics.SigningKeys, () => aGotSecond.TrySetResult());
            using var s4 = c.Subscribe(ClusterTopics.DownloadKeys, () => Interlocked.Increment(ref foreign));

            a.Publish(ClusterTopics.DownloadKeys);
            await bGotFirst.Task.WaitAsync(Bound);
            // Redis delivers a channel's messages to a subscriber in order: when B's answer reaches A, A's own signal
            // would already have come back to it, had it not been dropped.
            b.Publish(ClusterTopics.SigningKeys);
            await aGotSecond.Task.WaitAsync(Bound);
            Assert.Equal(0, Volatile.Read(ref echoes));
            Assert.Equal(0, Volatile.Read(ref foreign));
        }
    }

    [Fact]
    public async Task A_key_revoked_on_another_instance_is_refused_here_at_once_and_a_revocation_here_is_sent_to_the_others()
    {
        var prefix = RedisTestServer.NewPrefix();
        var settings = RedisTestServer.Settings(prefix);
        // Long enough that only the signal, never the entry's age, can explain a refusal within the bound.
        settings["ApiKeys:ValidationCacheSeconds"] = "60";
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, settings);
        var (redis, other) = Instance(prefix);
        await using var _ = redis;
        var w = await ApiKeyWorld.CreateAsync(app);
        var (id, key) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        // The other instance revokes the key: its commit is in the shared database, not in this process's unit of work
        // (a bulk update, which this process's own change tracking does not see), so only the signal can tell this one.
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.Where(k => k.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, now)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode); // still cached here (the generation is this server's own)
        other.Publish(ClusterTopics.AccessChanged);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(client, HttpStatusCode.Unauthorized));

        // The other way: a revocation committed here is announced to the other instances.
        var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = other.Subscribe(ClusterTopics.AccessChanged, () => announced.TrySetResult());
        var (id2, _) = await w.CreateKeyAsync(w.TenantA, PlatformScopes.ProjectsRead);
        using var dev = app.ClientWith(w.DeveloperToken);
        await announced.Task.WaitAsync(Bound); // creating a key changes access too
        announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var again = other.Subscribe(ClusterTopics.AccessChanged, () => announced.TrySetResult());
        Assert.Equal(HttpStatusCode.NoContent, (await dev.DeleteAsync($"/api/api-keys/{id2}")).StatusCode);
        await announced.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_download_key_rotated_on_another_instance_signs_here_once_the_signal_arrives()
    {
        var prefix = RedisTestServer.NewPrefix();
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, RedisTestServer.Settings(prefix));
        var (redis, other) = Instance(prefix);
        await using var _ = redis;
        var ring = app.Services.GetRequiredService<DownloadKeyRing>();
        var (first, _) = await ring.SigningKeyAsync(CancellationToken.None);

        // Another instance rotates: the new key is committed to the shared database, then announced.
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            await ring.AddRotationAsync(db, "other-instance", TimeSpan.FromMinutes(5), CancellationToken.None);
            await db.SaveChangesAsync();
        });
        Assert.Equal(first, (await ring.SigningKeyAsync(CancellationToken.None)).Id); // cached for 30 s without the signal
        other.Publish(ClusterTopics.DownloadKeys);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string now;
        do
        {
            now = (await ring.SigningKeyAsync(CancellationToken.None)).Id;
            if (now != first) break;
            await Task.Delay(50);
        } while (clock.Elapsed < Bound);
        Assert.NotEqual(first, now);
    }

    private static async Task<HttpStatusCode> StatusWithinAsync(HttpClient client, HttpStatusCode wanted)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/platform/v1/projects")).StatusCode;
            if (status == wanted) return status;
            await Task.Delay(50);
        } while (clock.Elapsed < Bound);
        return status;
    }
}
