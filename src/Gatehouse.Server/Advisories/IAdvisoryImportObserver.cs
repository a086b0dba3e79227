using Gatehouse.Server.Data;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// Told after an advisory import that changed the store (records added, updated or withdrawn), so a feature that
/// reacts to new advisories (re-matching the stored SBOMs of published versions) plugs in without the import knowing
/// it. Registered in DI; every registered observer is called, in registration order.
/// </summary>
/// <remarks>
/// The call happens inside the import's unit of work: the <c>db</c> it is given already holds the import's audit entry
/// (<c>advisories.imported</c>), and the caller saves once after every observer has returned. An observer stages
/// what it starts (scan rows, work items through <c>ScanStarter.Add</c> / <c>WorkQueue.Add</c>) and never calls
/// <c>SaveChangesAsync</c> itself, so the audit entry and the work it started are committed together or not at all.
/// An observer that throws fails the save of that unit (the store itself is already updated; the next import that
/// changes something, or an operator's retry, starts the work again), so observers should be idempotent.
/// </remarks>
public interface IAdvisoryImportObserver
{
    /// <summary>Stage the work that follows an import that changed the store; do not save.</summary>
    Task AdvisoriesImportedAsync(GatehouseDb db, CancellationToken ct);
}
