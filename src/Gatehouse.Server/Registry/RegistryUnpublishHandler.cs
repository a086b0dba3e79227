using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Registry;

/// <summary>Runs <c>registry.unpublish</c>: deletes a version's manifest from the registry (<see cref="RegistryPublisher.UnpublishAsync"/>).</summary>
internal sealed class RegistryUnpublishHandler(RegistryPublisher publisher) : IWorkHandler
{
    public string Kind => RegistryWork.Unpublish;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        return await publisher.UnpublishAsync(RegistryWork.VersionOf(item.Payload), ct);
    }
}
