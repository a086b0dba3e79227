using Gatehouse.Server.Data;
using Hangfire;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Adds work: the row is part of the caller's unit of work (source of truth, committed with the change that needs the
/// work), and once it is committed its id is handed to the job queue. If the hand-over fails, the process dies before
/// it, or the queue forgets it (InMemory storage and a restart), the <see cref="Reconciler"/> hands it over again.
/// </summary>
public sealed class WorkQueue(GatehouseDb db, IBackgroundJobClient jobs, TimeProvider time, ILogger<WorkQueue> logger)
{
    /// <summary>Adds a work item to the unit of work; the caller's save commits it, and the commit dispatches it.</summary>
    public WorkItem Add(string kind, string payload, int maxAttempts = 3)
    {
        var now = time.GetUtcNow();
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(now), Kind = kind, Payload = payload, State = WorkState.Pending,
            MaxAttempts = maxAttempts, CreatedAt = now, UpdatedAt = now,
        };
        db.WorkItems.Add(item);
        db.AfterCommit(() => Dispatch(jobs, item.Id, logger));
        return item;
    }

    /// <summary>Adds a work item and saves at once (work that no other change is waiting for, e.g. periodic work).</summary>
    public async Task<WorkItem> EnqueueAsync(string kind, string payload, CancellationToken ct, int maxAttempts = 3)
    {
        var item = Add(kind, payload, maxAttempts);
        await db.SaveChangesAsync(ct);
        return item;
    }

    internal static void Dispatch(IBackgroundJobClient jobs, Guid id, ILogger logger)
    {
        try
        {
            jobs.Enqueue<WorkRunner>(r => r.RunAsync(id, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The row stays Pending; the reconciler will try again.
            logger.LogWarning(ex, "Could not hand work item {Id} to the job queue", id);
        }
    }
}
