namespace Gatehouse.Server.Cluster;

/// <summary>One process, no Redis: there is no other instance to tell, and this one refreshes its own caches itself.</summary>
internal sealed class LocalClusterSignals : IClusterSignals
{
    public void Publish(string topic) { }

    public IDisposable Subscribe(string topic, Action handler) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();
        public void Dispose() { }
    }
}
