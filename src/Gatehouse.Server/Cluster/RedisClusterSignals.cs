using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Gatehouse.Server.Cluster;

/// <summary>
/// <see cref="IClusterSignals"/> over one Redis pub/sub channel (<c>{prefix}signals</c>). A message is
/// <c>{topic}|{instance}</c>; an instance ignores its own. After a lost connection comes back, every subscriber is called
/// once, since signals sent meanwhile are gone.
/// </summary>
internal sealed class RedisClusterSignals : IClusterSignals
{
    private readonly ClusterRedis _redis;
    private readonly ILogger<RedisClusterSignals> _logger;
    private readonly RedisChannel _channel;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action>> _handlers = new(StringComparer.Ordinal);
    private readonly Lazy<ISubscriber> _subscriber;

    public RedisClusterSignals(ClusterRedis redis, ILogger<RedisClusterSignals> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(redis.KeyPrefix + "signals");
        _subscriber = new Lazy<ISubscriber>(() =>
        {
            var connection = _redis.Connection;
            connection.ConnectionRestored += (_, _) => CallAll();
            var s = connection.GetSubscriber();
            Action<RedisChannel, RedisValue> receive = (_, message) => Receive(message);
            try
            {
                // Connected: subscribed before the first request is served, so no signal sent after start-up is missed.
                s.Subscribe(_channel, receive);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Redis is down at start-up: that must not stop the server. Fire and forget records the subscription, and
                // the multiplexer sends it whenever it connects (then ConnectionRestored drops every cache once).
                _logger.LogWarning(e, "Could not subscribe to the cluster signals yet; the connection retries by itself");
                s.Subscribe(_channel, receive, CommandFlags.FireAndForget);
            }
            return s;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public void Publish(string topic)
    {
        try
        {
            _subscriber.Value.Publish(_channel, topic + "|" + _instance, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Best effort: the other instances' caches expire by themselves (docs/scale-out.md#when-redis-is-down).
            _logger.LogWarning(e, "Could not publish cluster signal {Topic}", topic);
        }
    }

    public IDisposable Subscribe(string topic, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _ = _subscriber.Value;
        var id = Guid.NewGuid();
        _handlers.GetOrAdd(topic, _ => new()).TryAdd(id, handler);
        return new Subscription(() => { if (_handlers.TryGetValue(topic, out var h)) h.TryRemove(id, out _); });
    }

    private void Receive(RedisValue message)
    {
        var text = (string?)message;
        if (text is null) return;
        var bar = text.LastIndexOf('|');
        if (bar <= 0 || string.Equals(text[(bar + 1)..], _instance, StringComparison.Ordinal)) return;
        if (_handlers.TryGetValue(text[..bar], out var handlers)) Call(handlers.Values);
    }

    private void CallAll()
    {
        foreach (var handlers in _handlers.Values) Call(handlers.Values);
    }

    private void Call(IEnumerable<Action> handlers)
    {
        foreach (var h in handlers)
        {
            try { h(); }
            catch (Exception e) { _logger.LogWarning(e, "A cluster signal handler failed"); }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
