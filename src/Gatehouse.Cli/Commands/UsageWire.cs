namespace Gatehouse.Cli.Commands;

/// <summary>The counts of a usage bucket, endpoint, tenant or period (<c>UsageCounts</c> on the server).</summary>
internal sealed record UsageCountsWire(
    long Calls, long Status2xx, long Status4xx, long Status5xx, long Unauthorized401, long Forbidden403, long TooMany429,
    long ScopeViolations, long NotInstalledCalls, long BytesOut, double MeanLatencyMs, double MaxLatencyMs);

/// <summary>One bucket of <c>GET /api/apps/{app}/usage</c>.</summary>
internal sealed record UsagePointWire(DateTimeOffset Start, UsageCountsWire? Usage);

/// <summary><c>GET /api/apps/{app}/usage</c>.</summary>
internal sealed record UsageSeriesWire(string? App, DateTimeOffset From, DateTimeOffset To, string? Bucket, Guid? Installation, string? Endpoint,
    UsageCountsWire? Total, List<UsagePointWire>? Points);

/// <summary>One alert of <c>GET /api/apps/{app}/usage/alerts</c>.</summary>
internal sealed record UsageAlertWire(Guid Id, string? DetectorId, string? Severity, string? Status, string? Metric, double Observed, double Baseline,
    DateTimeOffset EvidenceFrom, DateTimeOffset EvidenceTo, DateTimeOffset RaisedAt, int Occurrences, string? Action, string? InstallationId, string? Explanation);

/// <summary>One app of <c>GET /api/tenants/{tenantId}/usage</c>.</summary>
internal sealed record TenantAppUsageWire(string? App, string? Name, bool Installed, UsageCountsWire? Usage, DateTimeOffset FirstCall, DateTimeOffset LastCall);

/// <summary><c>GET /api/tenants/{tenantId}/usage</c>.</summary>
internal sealed record TenantUsageWire(Guid TenantId, string? TenantName, DateTimeOffset From, DateTimeOffset To, List<TenantAppUsageWire>? Apps);
