using Gatehouse.Server.Data;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Makes the database the source of truth for work: at start-up it hands every unfinished item to
/// the queue again unless its job is still in the queue (a restart with InMemory storage loses them all, a killed
/// worker its items), then repeats periodically for items whose lease lapsed, whose worker on this machine is known
/// dead, or that sat pending too long and whose job the queue no longer has. Each pass also runs the features' <see cref="IReconcilerStep"/>s
/// and enqueues their due <see cref="IPeriodicWork"/>.
/// </summary>
internal sealed class Reconciler(
    IServiceScopeFactory scopes, IBackgroundJobClient jobs, JobStorage storage, TimeProvider time,
    IOptions<JobsOptions> options, ILogger<Reconciler> logger) : BackgroundService
{
    /// <summary>Where the last pass stopped looking at long-pending items (null: start with the oldest).</summary>
    private DateTimeOffset? _pendingCursor;

    /// <summary>Completes after the first pass; tests and readiness wait on it.</summary>
    public Task FirstPass => _firstPass.Task;
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        try
        {
            await PassAsync(startup: true, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Start-up reconciliation failed; retrying in {Interval}", interval);
        }
        finally
        {
            _firstPass.TrySetResult();
        }
        // A delay per pass, not a PeriodicTimer: when the clock jumps (a suspended VM, a fake clock in tests) a
        // PeriodicTimer fires once for every interval it skipped, and each of those ran a whole pass (43,200 passes
        // for a 30-day jump); one pass after the jump is all that is needed.
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Task.Delay(interval, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
            try { await PassAsync(startup: false, stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reconciliation pass failed");
            }
        }
    }

    /// <summary>One pass; returns how many items were handed to the queue.</summary>
    public async Task<int> PassAsync(bool startup, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var now = time.GetUtcNow();
        var stale = now - 2 * options.Value.ReconcileInterval;
        await ReclaimFromDeadWorkersAsync(db, now, ct);
        // A lapsed lease: its worker is gone (or lost its claim), so whatever job delivered it is spent; a new one is right.
        var lapsed = await db.WorkItems
            .Where(w => w.State == WorkState.Running && w.LeaseUntil < now)
            .OrderBy(w => w.CreatedAt)
            .Select(w => w.Id)
            .ToListAsync(ct);
        var handed = await HandOverAsync(db, lapsed, ct);
        handed += await HandOverLostPendingAsync(db, startup, stale, ct);
        if (handed > 0) logger.LogInformation("Reconciler handed {Count} unfinished work items to the queue", handed);

        // The features' clocks (the lifecycle ticker: scan retries after back-off, rescans, probes) and scheduled work.
        foreach (var step in scope.ServiceProvider.GetServices<IReconcilerStep>())
            await step.RunAsync(ct);
        foreach (var work in scope.ServiceProvider.GetServices<IPeriodicWork>())
            await SchedulePeriodicAsync(scope.ServiceProvider, db, work.Kind, work.Every, now, ct);
        return handed;
    }

    /// <summary>
    /// Pending items that waited long (all of them at start-up) whose last job can no longer deliver them
    /// (<see cref="QueuedJobState.StillDelivers(Hangfire.Storage.IStorageConnection, string?, DateTimeOffset)"/>). An item
    /// that waits behind a backlog still has its job in the queue and is left alone: handing it over on every pass put
    /// one more job per waiting item in the queue each pass. A pass looks at up to <see cref="JobsOptions.ReconcileBatchSize"/>
    /// items, oldest first, and the next pass continues after the last one it looked at (then starts over), so a
    /// backlog costs one state read per item every few passes and a lost item is found however deep the backlog. The
    /// start-up pass looks at every pending item: with InMemory storage the queue is new and all of them are handed
    /// over; with PostgreSQL storage the jobs that survived the restart are kept.
    /// </summary>
    private async Task<int> HandOverLostPendingAsync(GatehouseDb db, bool startup, DateTimeOffset stale, CancellationToken ct)
    {
        var batch = Math.Max(1, options.Value.ReconcileBatchSize);
        var after = startup ? null : _pendingCursor;
        var handed = 0;
        IStorageConnection? connection = null; // opened only when there is something to ask: an idle pass costs what it did
        try
        {
            while (true)
            {
                var query = db.WorkItems.AsNoTracking().Where(w => w.State == WorkState.Pending && (startup || w.UpdatedAt < stale));
                if (after is { } cursor) query = query.Where(w => w.CreatedAt > cursor);
                var page = await query
                    .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id)
                    .Take(batch)
                    .Select(w => new { w.Id, w.JobId, w.CreatedAt })
                    .ToListAsync(ct);
                if (page.Count == 0)
                {
                    after = null; // past the last one: the next pass starts over with the oldest
                    break;
                }
                connection ??= storage.GetConnection();
                // A job processing since before the stale bound while its row is still pending lost its worker before the claim.
                var lost = page.Where(p => !QueuedJobState.StillDelivers(connection, p.JobId, stale)).Select(p => p.Id).ToList();
                handed += await HandOverAsync(db, lost, ct);
                // Items created at the same instant as the page's last one wait for the next round; none is skipped for good.
                after = page.Count == batch ? page[^1].CreatedAt : null;
                if (!startup || after is null) break;
            }
        }
        finally
        {
            connection?.Dispose();
        }
        _pendingCursor = after;
        return handed;
    }

    /// <summary>Hands each item to the queue and records its new job, so later passes can ask the queue about it.</summary>
    private async Task<int> HandOverAsync(GatehouseDb db, List<Guid> ids, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            var jobId = WorkQueue.Dispatch(jobs, id, logger);
            if (jobId is not null) await WorkQueue.RecordJobIdAsync(db, id, jobId, ct);
        }
        return ids.Count;
    }

    /// <summary>
    /// Items held by a worker of this machine that is known dead (<see cref="WorkerIdentity.IsKnownDead"/>: killed,
    /// crashed, or this process's own predecessor) are given back at once instead of when their lease lapses: their
    /// lease is ended, so the query below hands them to the queue in this same pass.
    /// </summary>
    private async Task ReclaimFromDeadWorkersAsync(GatehouseDb db, DateTimeOffset now, CancellationToken ct)
    {
        var held = await db.WorkItems.AsNoTracking()
            .Where(w => w.State == WorkState.Running && w.LeaseOwner != null && w.LeaseUntil >= now)
            .Select(w => new { w.Id, w.LeaseOwner })
            .ToListAsync(ct);
        foreach (var owner in held.Select(h => h.LeaseOwner).Distinct().Where(WorkerIdentity.IsKnownDead))
        {
            var ids = held.Where(h => h.LeaseOwner == owner).Select(h => h.Id).ToList();
            var ended = now.AddMilliseconds(-1);
            var reclaimed = await db.WorkItems
                .Where(w => ids.Contains(w.Id) && w.State == WorkState.Running && w.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseUntil, ended), ct);
            logger.LogWarning("Reclaimed {Count} work items from worker {Owner}, which is no longer running", reclaimed, owner);
        }
    }

    /// <summary>Enqueues <paramref name="kind"/> unless one was created within the last <paramref name="every"/> (zero disables).</summary>
    private static async Task SchedulePeriodicAsync(IServiceProvider sp, GatehouseDb db, string kind, TimeSpan every, DateTimeOffset now, CancellationToken ct)
    {
        if (every <= TimeSpan.Zero) return;
        var since = now - every;
        if (!await db.WorkItems.AnyAsync(w => w.Kind == kind && w.CreatedAt > since, ct))
            await sp.GetRequiredService<WorkQueue>().EnqueueAsync(kind, "{}", ct);
    }
}
