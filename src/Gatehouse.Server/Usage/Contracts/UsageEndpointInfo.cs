namespace Gatehouse.Server.Usage;

/// <summary>One endpoint template's share of an app's calls over a period.</summary>
internal sealed record UsageEndpointInfo(string Endpoint, UsageCounts Usage);
