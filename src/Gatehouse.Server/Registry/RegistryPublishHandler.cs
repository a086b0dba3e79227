using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Registry;

/// <summary>Runs <c>registry.publish</c>: pushes a published container version (<see cref="RegistryPublisher.PublishAsync"/>).</summary>
internal sealed class RegistryPublishHandler(RegistryPublisher publisher) : IWorkHandler
{
    public string Kind => RegistryWork.Publish;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        return await publisher.PublishAsync(RegistryWork.VersionOf(item.Payload), ct);
    }
}
