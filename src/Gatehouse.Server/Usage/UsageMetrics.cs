using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The <c>Gatehouse.Usage</c> meter, exported through OpenTelemetry (OTLP, Prometheus). Labels are bounded on purpose:
/// the app's slug, the status class and the endpoint template; never a tenant, a credential or a raw path.
/// </summary>
internal sealed class UsageMetrics
{
    public const string MeterName = "Gatehouse.Usage";

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _flushedRows;
    private readonly Counter<long> _flushFailures;
    private readonly Counter<long> _droppedRows;

    public UsageMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var m = meters.Create(MeterName);
        _calls = m.CreateCounter<long>("gatehouse.usage.calls", "{call}", "Metered platform calls.");
        _duration = m.CreateHistogram<double>("gatehouse.usage.duration", "s", "Time to answer a metered platform call.");
        _bytes = m.CreateCounter<long>("gatehouse.usage.bytes_out", "By", "Response bytes of metered platform calls.");
        _ingested = m.CreateCounter<long>("gatehouse.usage.ingested_events", "{event}", "Events received by the batch ingestion endpoint, by result.");
        _flushedRows = m.CreateCounter<long>("gatehouse.usage.flushed_rows", "{row}", "Usage rows written by the aggregator's flushes.");
        _flushFailures = m.CreateCounter<long>("gatehouse.usage.flush_failures", "{flush}", "Failed flushes (their rows are kept for the next one).");
        _droppedRows = m.CreateCounter<long>("gatehouse.usage.dropped_rows", "{row}", "Rows dropped after failed flushes exceeded Usage:MaxPendingRows.");
    }

    /// <summary>One metered call.</summary>
    public void Call(string app, int status, string endpoint, double seconds, long bytes)
    {
        var tags = new TagList
        {
            { "app", app },
            { "status_class", StatusClass(status) },
            { "endpoint", endpoint },
        };
        _calls.Add(1, tags);
        _duration.Record(seconds, tags);
        if (bytes > 0) _bytes.Add(bytes, tags);
    }

    public void Ingested(string result, long count)
    {
        if (count > 0) _ingested.Add(count, new KeyValuePair<string, object?>("result", result));
    }

    public void Flushed(int rows) => _flushedRows.Add(rows);

    public void FlushFailed() => _flushFailures.Add(1);

    public void Dropped(int rows) => _droppedRows.Add(rows);

    private static string StatusClass(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        _ => "5xx",
    };
}
