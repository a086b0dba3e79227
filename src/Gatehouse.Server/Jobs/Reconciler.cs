using Gatehouse.Server.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Makes the database the source of truth for work: at start-up it hands every unfinished item to
/// the queue again (a restart with InMemory storage, a killed worker), then repeats periodically
/// for items whose lease lapsed, whose worker on this machine is known dead, or that sat pending too long. Each pass also runs the features' <see cref="IReconcilerStep"/>s
/// and enqueues their due <see cref="IPeriodicWork"/>.
/// </summary>
internal sealed class Reconciler(
    IServiceScopeFactory scopes, IBackgroundJobClient jobs, TimeProvider time,
    IOptions<JobsOptions> options, ILogger<Reconciler> logger) : BackgroundService
{
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
        var ids = await db.WorkItems
            .Where(w => (w.State == WorkState.Pending && (startup || w.UpdatedAt < stale))
                     || (w.State == WorkState.Running && w.LeaseUntil < now))
            .OrderBy(w => w.CreatedAt)
            .Select(w => w.Id)
            .ToListAsync(ct);
        foreach (var id in ids) WorkQueue.Dispatch(jobs, id, logger);
        if (ids.Count > 0) logger.LogInformation("Reconciler handed {Count} unfinished work items to the queue", ids.Count);

        // The features' clocks (the lifecycle ticker: scan retries after back-off, rescans, probes) and scheduled work.
        foreach (var step in scope.ServiceProvider.GetServices<IReconcilerStep>())
            await step.RunAsync(ct);
        foreach (var work in scope.ServiceProvider.GetServices<IPeriodicWork>())
            await SchedulePeriodicAsync(scope.ServiceProvider, db, work.Kind, work.Every, now, ct);
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
