using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gatehouse.Server.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>
/// The throw-away redis-server that <c>test.sh</c> starts (<c>GATEHOUSE_TEST_REDIS</c>, host:port). Each test uses its
/// own key prefix, so tests never see each other's counters.
/// </summary>
internal static class RedisTestServer
{
    public const string Variable = "GATEHOUSE_TEST_REDIS";

    public static string Configuration => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } c
        ? c
        : throw new InvalidOperationException($"Redis tests need {Variable} (host:port of a redis-server); ./test.sh starts one and sets it.");

    public static string NewPrefix() => $"test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}:";

    /// <summary>A loopback address where nothing listens: Redis stopped.</summary>
    public static string ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"127.0.0.1:{port}";
    }

    /// <summary>The <c>Redis</c> settings of a server that shares <paramref name="prefix"/> in the test Redis.</summary>
    public static Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["Redis:Configuration"] = Configuration,
        ["Redis:KeyPrefix"] = prefix,
        ["Redis:TimeoutMs"] = LoadedMachineTimeoutMs,
    };

    /// <summary>
    /// The tests run beside a busy suite on two cores: a command late by half a second there would send the limiters to
    /// their local fallback, and a test of the shared window would measure the fallback instead.
    /// </summary>
    public const string LoadedMachineTimeoutMs = "5000";

    /// <summary>One instance's connection (a test makes two for two instances).</summary>
    public static ClusterRedis Connect(string prefix, string? configuration = null) =>
        new(Options.Create(new RedisOptions { Configuration = configuration ?? Configuration, KeyPrefix = prefix,
            // A closed port answers at once; a long timeout there would only lengthen the first connection attempt.
            TimeoutMs = configuration is null ? int.Parse(LoadedMachineTimeoutMs, System.Globalization.CultureInfo.InvariantCulture) : 500 }),
            NullLogger<ClusterRedis>.Instance);

    public static RedisFallbacks Fallbacks(ClusterRedis redis, TimeProvider? time = null) =>
        new(redis, time ?? TimeProvider.System, Meters.Value, NullLogger<RedisFallbacks>.Instance);

    private static readonly Lazy<IMeterFactory> Meters = new(() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
