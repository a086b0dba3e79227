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
}
