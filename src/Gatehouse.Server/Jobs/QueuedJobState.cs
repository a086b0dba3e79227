using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Reads what the job queue (Hangfire's storage) knows of a job, so the <see cref="Reconciler"/> hands a pending item
/// to the queue again only when its last job can no longer deliver it.
/// </summary>
internal static class QueuedJobState
{
    /// <summary>
    /// True when <paramref name="jobId"/> will still deliver its item: enqueued, scheduled (a retry's back-off) or
    /// awaiting, or processing since <paramref name="processingSince"/> or later. False whenever that is not known: no
    /// id, a job the storage does not have (InMemory storage after a restart, an expired job), a finished or deleted
    /// job while its row is still pending, a job processing for longer than that (a live worker claims its row at
    /// once, so it is a worker that died between the fetch and the claim), or a storage that cannot answer.
    /// </summary>
    public static bool StillDelivers(IStorageConnection connection, string? jobId, DateTimeOffset processingSince)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (string.IsNullOrEmpty(jobId)) return false;
        StateData? state;
        try { state = connection.GetStateData(jobId); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A malformed id (another storage's) or a failed read: not known, so hand the item over again.
            return false;
        }
        return StillDelivers(state, processingSince);
    }

    /// <summary>The decision for a job's current state (null: the storage does not know the job).</summary>
    public static bool StillDelivers(StateData? state, DateTimeOffset processingSince)
    {
        var name = state?.Name;
        if (Is(name, EnqueuedState.StateName) || Is(name, ScheduledState.StateName) || Is(name, AwaitingState.StateName))
            return true;
        if (!Is(name, ProcessingState.StateName)) return false; // unknown, finished, deleted: nothing will deliver it
        var started = state!.Data is not null && state.Data.TryGetValue("StartedAt", out var value)
            ? JobHelper.DeserializeNullableDateTime(value)
            : null;
        return started is { } at && new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) >= processingSince;
    }

    // Hangfire compares state names without regard to case.
    private static bool Is(string? name, string state) => string.Equals(name, state, StringComparison.OrdinalIgnoreCase);
}
