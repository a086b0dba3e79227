namespace Gatehouse.Server.Jobs;

/// <summary>
/// A feature's clock, run in every pass of the <see cref="Reconciler"/> (every <c>Jobs:ReconcileInterval</c>) in the
/// pass's scope, such as the lifecycle ticker that starts due rescans, retries and probes. Must be cheap when
/// nothing is due, and safe when several workers run it at once.
/// </summary>
internal interface IReconcilerStep
{
    /// <summary>A name for logs.</summary>
    string Name { get; }

    /// <summary>One round.</summary>
    Task RunAsync(CancellationToken ct);
}
