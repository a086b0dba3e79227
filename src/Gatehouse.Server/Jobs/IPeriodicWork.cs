namespace Gatehouse.Server.Jobs;

/// <summary>
/// Work a feature wants done on a schedule: the <see cref="Reconciler"/> enqueues a work item of <see cref="Kind"/>
/// (run by the feature's <see cref="IWorkHandler"/>) unless one was created within the last <see cref="Every"/>.
/// Registered by the feature, with its interval in that feature's options; Jobs names no feature.
/// </summary>
internal interface IPeriodicWork
{
    /// <summary>The <see cref="WorkItem.Kind"/> to enqueue.</summary>
    string Kind { get; }

    /// <summary>How often; zero (or negative) disables it.</summary>
    TimeSpan Every { get; }
}
