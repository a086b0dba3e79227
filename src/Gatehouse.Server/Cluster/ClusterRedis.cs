using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Server.Cluster;

/// <summary>
/// The one Redis connection of a process, when <c>Redis:Configuration</c> is set. It connects in the background and
/// reconnects by itself (<c>abortConnect=false</c>), so a Redis that is down at start-up or later never stops the server:
/// each user of it says what it does meanwhile (docs/scale-out.md#when-redis-is-down).
/// </summary>
internal sealed class ClusterRedis : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer>? _connection;

    public ClusterRedis(IOptions<RedisOptions> options, ILogger<ClusterRedis> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        KeyPrefix = o.KeyPrefix;
        if (string.IsNullOrWhiteSpace(o.Configuration)) return;
        var config = ConfigurationOptions.Parse(o.Configuration);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = Math.Max(o.TimeoutMs * 4, 1000);
        config.SyncTimeout = o.TimeoutMs;
        config.AsyncTimeout = o.TimeoutMs;
        config.ClientName ??= "gatehouse-" + Environment.ProcessId;
        _connection = new Lazy<ConnectionMultiplexer>(() =>
        {
            var c = ConnectionMultiplexer.Connect(config);
            c.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection lost ({FailureType}): shared limits fall back to this process", e.FailureType);
            c.ConnectionRestored += (_, _) => logger.LogInformation("Redis connection restored");
            return c;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when Redis is configured (it may still be unreachable right now).</summary>
    public bool Enabled => _connection is not null;

    /// <summary>Prefix of every key and channel (<c>Redis:KeyPrefix</c>).</summary>
    public string KeyPrefix { get; }

    /// <summary>The connection; only when <see cref="Enabled"/>.</summary>
    public IConnectionMultiplexer Connection =>
        _connection?.Value ?? throw new InvalidOperationException("Redis is not configured (Redis:Configuration).");

    /// <summary>A key under the configured prefix.</summary>
    public RedisKey Key(string name) => KeyPrefix + name;

    public async ValueTask DisposeAsync()
    {
        if (_connection is { IsValueCreated: true }) await _connection.Value.DisposeAsync();
    }
}
