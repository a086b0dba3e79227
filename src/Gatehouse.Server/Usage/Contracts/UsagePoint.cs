namespace Gatehouse.Server.Usage;

/// <summary>One bucket of a usage series: the hour or day (UTC) starting at <paramref name="Start"/>.</summary>
internal sealed record UsagePoint(DateTimeOffset Start, UsageCounts Usage);
