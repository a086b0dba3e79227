namespace Gatehouse.Server.Usage.Contracts;

/// <summary>The body of <c>POST /api/usage/events</c>: at most <c>Usage:IngestionMaxEvents</c> events.</summary>
internal sealed record UsageEventBatch(List<UsageEventIn>? Events);
