using Gatehouse.Server.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Adds work: the row is part of the caller's unit of work (source of truth, committed with the change that needs the
/// work), and once it is committed its id is handed to the job queue and the job's id recorded on the row. If the
/// hand-over fails, the process dies before it, or the queue forgets it (InMemory storage and a restart), the
/// <see cref="Reconciler"/> hands it over again.
/// </summary>
public sealed class WorkQueue(
    GatehouseDb db, IBackgroundJobClient jobs, IServiceScopeFactory scopes, TimeProvider time, ILogger<WorkQueue> logger)
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
        db.AfterCommit(() =>
        {
            var jobId = Dispatch(jobs, item.Id, logger);
            if (jobId is not null) RecordJobId(item.Id, jobId);
        });
        return item;
    }

    /// <summary>Adds a work item and saves at once (work that no other change is waiting for, e.g. periodic work).</summary>
    public async Task<WorkItem> EnqueueAsync(string kind, string payload, CancellationToken ct, int maxAttempts = 3)
    {
        var item = Add(kind, payload, maxAttempts);
        await db.SaveChangesAsync(ct);
        return item;
    }

    /// <summary>Hands <paramref name="id"/> to the job queue; returns the job's id, or null when the queue refused it.</summary>
    internal static string? Dispatch(IBackgroundJobClient jobs, Guid id, ILogger logger)
    {
        try
        {
            return jobs.Enqueue<WorkRunner>(r => r.RunAsync(id, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The row stays Pending; the reconciler will try again.
            logger.LogWarning(ex, "Could not hand work item {Id} to the job queue", id);
            return null;
        }
    }

    /// <summary>Records the job that now carries <paramref name="id"/> (whatever the row's state: a finished row ignores it).</summary>
    internal static Task<int> RecordJobIdAsync(GatehouseDb db, Guid id, string jobId, CancellationToken ct) =>
        db.WorkItems.Where(w => w.Id == id).ExecuteUpdateAsync(s => s.SetProperty(w => w.JobId, jobId), ct);

    /// <summary>
    /// Runs after the caller's commit, on a context of its own (the caller's is still finishing its transaction). A
    /// failure here, or a crash before it, leaves the id unknown: the reconciler then hands the item over once more
    /// when it has waited long, a duplicate job that the runner's conditional claim makes harmless.
    /// </summary>
    private void RecordJobId(Guid id, string jobId)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var own = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            own.WorkItems.Where(w => w.Id == id).ExecuteUpdate(s => s.SetProperty(w => w.JobId, jobId));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Could not record job {JobId} of work item {Id}", jobId, id);
        }
    }
}
