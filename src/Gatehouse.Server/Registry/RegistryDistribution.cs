using Gatehouse.Server.Apps;
using Gatehouse.Server.Jobs;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Registry;

/// <summary>
/// Told of every version move (<see cref="IVersionTransitionObserver"/>): a container version that becomes published
/// (published or reinstated) gets a <c>registry.publish</c> item, one that leaves it (quarantine, suspension, delisting)
/// a <c>registry.unpublish</c> item, both added to the move's own unit of work, so the move and its work commit together
/// and the work machinery re-drives them after a crash.
/// </summary>
internal sealed class RegistryDistribution(WorkQueue queue, IOptions<RegistryOptions> options) : IVersionTransitionObserver
{
    public void BeforeTransition(App app, AppVersion version, string action, string to, string by, string? text)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        if (!options.Value.Enabled || app.Type != AppTypes.Container) return;
        if (to == VersionStates.Published)
            queue.Add(RegistryWork.Publish, RegistryWork.Payload(version.Id), RegistryWork.MaxAttempts);
        else if (to is VersionStates.Quarantined or VersionStates.Suspended or VersionStates.Delisted)
            queue.Add(RegistryWork.Unpublish, RegistryWork.Payload(version.Id), RegistryWork.MaxAttempts);
    }

    public Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct) => Task.CompletedTask;
}
