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

    /// <summary>How long a worker's claim on an item lasts before another may take it over (default 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", OptionLimits.MaxTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Jobs intervals must be positive")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(30);
}
