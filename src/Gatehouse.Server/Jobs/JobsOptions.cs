using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Jobs;

/// <summary>Settings of section <c>Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Concurrent jobs in this worker (default: number of cores).</summary>
    public int WorkerCount { get; set; } = Environment.ProcessorCount;

    /// <summary>How often the reconciler looks for lost work (default 1 minute).</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Jobs intervals must be positive")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many long-pending items one reconciler pass asks the job queue about (default 500); a bigger backlog is
    /// looked at over the next passes, continuing where the last one stopped. The start-up pass looks at all of them.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Jobs:ReconcileBatchSize must be between 1 and 100000")]
    public int ReconcileBatchSize { get; set; } = 500;

    /// <summary>
    /// How long a worker's claim on an item lasts unless renewed (default 1 minute). While the item runs its worker
    /// renews it every <see cref="Heartbeat"/>, so this bounds how long a worker that died on another machine holds its
    /// items; a dead worker of the same machine is known dead and its items are reclaimed at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Jobs intervals must be positive")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a running item's lease is renewed (default 15 seconds; less than half of <see cref="Lease"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Jobs intervals must be positive")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
