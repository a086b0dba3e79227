using Gatehouse.Server.Apps;
using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Told of every version move (<see cref="IVersionTransitionObserver"/>): a version that becomes published (published or
/// reinstated) gets a <c>signing.sign</c> item in the move's own unit of work, so the move and the promise to sign commit
/// together and the work machinery re-drives the item after a crash. Signing is idempotent (one row per version and kind),
/// so a reinstated version that was signed before is not signed again.
/// </summary>
internal sealed class SignOnPublish(WorkQueue queue) : IVersionTransitionObserver
{
    public void BeforeTransition(App app, AppVersion version, string action, string to, string by, string? text)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        if (to != VersionStates.Published || app.Type == AppTypes.WebIntegration) return;
        queue.Add(SigningWork.Sign, SigningWork.Payload(version.Id), SigningWork.MaxAttempts);
    }

    public Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct) => Task.CompletedTask;
}
