using Gatehouse.Server.Data;
using Hangfire;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Adds work: the row is written first (source of truth), then the id is handed to the job queue.
/// If the hand-over fails or the queue forgets it (InMemory storage and a restart), the
/// <see cref="Reconciler"/> hands it over again.
/// </summary>
public sealed class WorkQueue(GatehouseDb db, IBackgroundJobClient jobs, TimeProvider time, ILogger<WorkQueue> logger)
{
    public async Task<WorkItem> EnqueueAsync(string kind, string payload, CancellationToken ct, int maxAttempts = 3)
    {
        var now = time.GetUtcNow();
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(now), Kind = kind, Payload = payload, State = WorkState.Pending,
            MaxAttempts = maxAttempts, CreatedAt = now, UpdatedAt = now,
        };
        db.WorkItems.Add(item);
        await db.SaveChangesAsync(ct);
        Dispatch(jobs, item.Id, logger);
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
