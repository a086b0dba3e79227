using Gatehouse.Server.Cluster;

namespace Gatehouse.Server.Data;

/// <summary>
/// Another instance committed a change to platform access (<see cref="ClusterTopics.AccessChanged"/>): move this process's
/// <see cref="AccessChanges"/> generation, so its cached credentials are dropped before the next call, not when their time
/// to live ends.
/// </summary>
internal sealed class AccessChangeSubscription(IClusterSignals signals, AccessChanges changes) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = signals.Subscribe(ClusterTopics.AccessChanged, changes.Bump);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
