namespace Gatehouse.Server.Apps;

/// <summary>
/// Told of every version transition by <see cref="VersionWorkflow"/>, so features that react to the lifecycle (the
/// OAuth kill switch) plug in without the workflow knowing them.
/// </summary>
public interface IVersionTransitionObserver
{
    /// <summary>Before the move is saved: changes to tracked rows are saved with it.</summary>
    void BeforeTransition(App app, AppVersion version, string action, string to, string by, string? text);

    /// <summary>After the move is saved, audited and announced.</summary>
    Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct);
}
