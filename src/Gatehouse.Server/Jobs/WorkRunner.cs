using Gatehouse.Server.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// The Hangfire job. Claims the row with a conditional update (so two deliveries never both run it), runs the handler
/// while renewing the claim (a heartbeat every <see cref="JobsOptions.Heartbeat"/>), and records the outcome. Retries
/// are decided here from the row, not by Hangfire. A worker that loses its claim (it could not renew it in time, so
/// another may take the item over) cancels the handler: an item never runs twice at the same time.
/// </summary>
public sealed class WorkRunner(
    GatehouseDb db, IEnumerable<IWorkHandler> handlers, IBackgroundJobClient jobs, IServiceScopeFactory scopes,
    TimeProvider time, IOptions<JobsOptions> options, ILogger<WorkRunner> logger)
{
    private static string Owner => WorkerIdentity.Current;

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var leaseUntil = now + options.Value.Lease;
        var claimed = await db.WorkItems
            .Where(w => w.Id == id && (w.State == WorkState.Pending || (w.State == WorkState.Running && w.LeaseUntil < now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(w => w.State, WorkState.Running)
                .SetProperty(w => w.LeaseUntil, leaseUntil)
                .SetProperty(w => w.LeaseOwner, Owner)
                .SetProperty(w => w.Attempts, w => w.Attempts + 1)
                .SetProperty(w => w.UpdatedAt, now), ct);
        if (claimed == 0)
        {
            // Finished, or another worker holds a live claim; say so if the row is missing altogether.
            if (!await db.WorkItems.AnyAsync(w => w.Id == id, ct))
                logger.LogWarning("Work item {Id} was delivered but does not exist in this database", id);
            return;
        }

        var item = await db.WorkItems.AsNoTracking().FirstAsync(w => w.Id == id, ct);
        var handler = handlers.FirstOrDefault(h => h.Kind == item.Kind);
        string? result = null;
        Exception? failure = null;
        if (handler is null)
            failure = new InvalidOperationException($"no handler for work kind '{item.Kind}'");
        else if (item.Attempts > item.MaxAttempts)
        {
            // Every allowed attempt was claimed and none finished: each worker died with it (the reconciler gave it back).
            failure = new InvalidOperationException($"abandoned: the worker died during each of its {item.MaxAttempts} attempts");
            logger.LogError("Work item {Id} ({Kind}) abandoned: its worker died during each of {Attempts} attempts", id, item.Kind, item.MaxAttempts);
            try { await handler.AbandonAsync(item, ct); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { logger.LogError(ex, "Abandoning work item {Id} failed", id); }
        }
        else
        {
            using var lease = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var stopBeat = new CancellationTokenSource();
            var beat = HeartbeatAsync(id, leaseUntil, lease, stopBeat.Token);
            try { result = await handler.RunAsync(item, lease.Token); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { failure = ex; }
            finally
            {
                await stopBeat.CancelAsync();
                await beat;
            }
            if (lease.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // The claim was lost: another worker may run the item now; record nothing over its head.
                logger.LogWarning("Work item {Id} ({Kind}) lost its lease while running; left to the worker that took it over", id, item.Kind);
                return;
            }
        }

        var end = time.GetUtcNow();
        if (failure is null)
        {
            await Finish(id, WorkState.Succeeded, result, null, end, ct);
            return;
        }
        logger.LogWarning(failure, "Work item {Id} ({Kind}) failed on attempt {Attempt}", id, item.Kind, item.Attempts);
        var final = handler is null || item.Attempts >= item.MaxAttempts;
        await Finish(id, final ? WorkState.Failed : WorkState.Pending, null, failure.Message, end, ct);
        if (!final)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(300, 5 * Math.Pow(4, item.Attempts - 1)));
            var retry = jobs.Schedule<WorkRunner>(r => r.RunAsync(id, CancellationToken.None), delay);
            // The reconciler sees a scheduled job and leaves the item to it, instead of queueing another during the back-off.
            await db.WorkItems.Where(w => w.Id == id && w.State == WorkState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.JobId, retry), ct);
        }
    }

    /// <summary>
    /// Renews the claim every heartbeat until <paramref name="stop"/>. When the row is no longer ours, or the claim could
    /// not be renewed before it lapses (the database is unreachable), cancels <paramref name="lease"/>.
    /// </summary>
    private async Task HeartbeatAsync(Guid id, DateTimeOffset leaseUntil, CancellationTokenSource lease, CancellationToken stop)
    {
        var every = options.Value.Heartbeat;
        while (!stop.IsCancellationRequested)
        {
            try { await Task.Delay(every, time, stop); }
            catch (OperationCanceledException) { return; }
            var now = time.GetUtcNow();
            var next = now + options.Value.Lease;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var beatDb = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
                var renewed = await beatDb.WorkItems
                    .Where(w => w.Id == id && w.State == WorkState.Running && w.LeaseOwner == Owner)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseUntil, next), stop);
                if (renewed == 0)
                {
                    await lease.CancelAsync();
                    return;
                }
                leaseUntil = next;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogWarning(ex, "Could not renew the lease of work item {Id}", id);
                if (time.GetUtcNow() + every >= leaseUntil)
                {
                    await lease.CancelAsync();
                    return;
                }
            }
        }
    }

    private Task<int> Finish(Guid id, WorkState state, string? result, string? error, DateTimeOffset at, CancellationToken ct) =>
        db.WorkItems.Where(w => w.Id == id && w.LeaseOwner == Owner).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.State, state)
            .SetProperty(w => w.Result, result)
            .SetProperty(w => w.LastError, error)
            .SetProperty(w => w.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(w => w.UpdatedAt, at), ct);
}
