namespace Gatehouse.Server.Usage;

/// <summary>
/// Where metered calls go: added in memory to the current minute's aggregate and flushed to <c>usage_minutes</c> in
/// batches (never a database write per call). Thread-safe and non-blocking; called on the request path.
/// </summary>
internal interface IUsageMeter
{
    /// <summary>Counts one call.</summary>
    void Record(in UsageSample sample);

    /// <summary>Writes every aggregate held in memory now (graceful stop, tests); returns the number of rows written.</summary>
    Task<int> FlushAsync(CancellationToken ct);
}
