namespace Gatehouse.Server.Cluster;

/// <summary>
/// Tells the other Gatehouse instances that something they cache changed (a topic of <see cref="ClusterTopics"/>), so a
/// revocation or key rotation made on one web instance holds on all of them from their next request, not after a cache's
/// time to live. Delivery is best effort (Redis pub/sub): a signal lost while Redis is down is covered by each cache's
/// own time to live, and every subscriber is also called when the connection comes back. Without Redis it only reaches
/// this process's subscribers.
/// </summary>
public interface IClusterSignals
{
    /// <summary>Sends <paramref name="topic"/> to the other instances (after the change is committed). Never throws.</summary>
    void Publish(string topic);

    /// <summary>Calls <paramref name="handler"/> when another instance publishes <paramref name="topic"/>, and after a reconnect.</summary>
    IDisposable Subscribe(string topic, Action handler);
}
