namespace Gatehouse.Server.Jobs;

/// <summary>
/// A unit of background work. The row is the source of truth; the job queue only delivers its id,
/// and the reconciler re-enqueues every row that is not finished.
/// </summary>
public sealed class WorkItem
{
    public Guid Id { get; set; }
    /// <summary>Handler kind, e.g. <c>audit.verify</c>; later <c>scan.version</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>Small JSON argument (ids, not payloads).</summary>
    public required string Payload { get; set; }
    public WorkState State { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 3;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>While running: when the claim lapses and another worker may take it over.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    /// <summary>
    /// The job queue's (Hangfire's) id of the last job that was handed this item, written after the hand-over; the
    /// reconciler asks the queue about it before handing a pending item over again. Null when unknown (a process died
    /// between the hand-over and this write, or the row predates it): then the reconciler hands it over again.
    /// </summary>
    public string? JobId { get; set; }
    public string? Result { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Lifecycle of a work item.</summary>
public enum WorkState
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
