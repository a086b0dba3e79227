namespace Gatehouse.Server.Usage.Contracts;

/// <summary>
/// The answer to a batch: events counted now, events already counted before (by id, from an earlier send or earlier in
/// the same batch) and events rejected with their reason. Accepted and duplicate events together are safe to forget.
/// </summary>
internal sealed record UsageIngestResult(int Accepted, int Duplicates, List<UsageEventRejection> Rejected);
