using Gatehouse.Server.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// The Hangfire job. Claims the row with a conditional update (so two deliveries never both run it),
/// runs the handler, and records the outcome. Retries are decided here from the row, not by Hangfire.
/// </summary>
public sealed class WorkRunner(
    GatehouseDb db, IEnumerable<IWorkHandler> handlers, IBackgroundJobClient jobs,
    TimeProvider time, IOptions<JobsOptions> options, ILogger<WorkRunner> logger)
{
    private static readonly string Owner = $"{Environment.MachineName}:{Environment.ProcessId}";

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
        else
        {
            try { result = await handler.RunAsync(item, ct); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { failure = ex; }
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
            jobs.Schedule<WorkRunner>(r => r.RunAsync(id, CancellationToken.None), delay);
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
