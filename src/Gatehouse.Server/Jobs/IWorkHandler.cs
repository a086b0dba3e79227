namespace Gatehouse.Server.Jobs;

/// <summary>
/// Runs one kind of work item. Must be idempotent: delivery is at least once.
/// Registered by the feature that owns the kind (<c>services.AddScoped&lt;IWorkHandler, …&gt;()</c> in its setup).
/// </summary>
public interface IWorkHandler
{
    /// <summary>The <see cref="WorkItem.Kind"/> this handler runs.</summary>
    string Kind { get; }

    /// <summary>Does the work; the returned string (JSON) is stored as the item's result.</summary>
    Task<string?> RunAsync(WorkItem item, CancellationToken ct);

    /// <summary>
    /// Called instead of <see cref="RunAsync"/> when every allowed attempt ended with its worker dead (killed, out of
    /// memory): the item is failed without running it again, so input that kills the worker cannot loop forever. A
    /// handler whose work has an owner waiting for it ends that wait here, failing closed (a scan becomes incomplete).
    /// </summary>
    Task AbandonAsync(WorkItem item, CancellationToken ct) => Task.CompletedTask;
}
