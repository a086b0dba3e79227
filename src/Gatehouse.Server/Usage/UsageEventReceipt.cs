namespace Gatehouse.Server.Usage;

/// <summary>
/// An event id the batch ingestion endpoint has accepted (table <c>usage_event_receipts</c>): a batch sent again
/// (a retry after a timeout) counts nothing twice. Unique per <see cref="Source"/> and <see cref="EventId"/>; swept
/// after the ingestion window.
/// </summary>
internal sealed class UsageEventReceipt
{
    public long Id { get; set; }
    /// <summary>Who sent it: the ingesting credential's owner (user id).</summary>
    public required string Source { get; set; }
    public required string EventId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
