namespace Gatehouse.Server.Usage;

/// <summary>
/// One flushed aggregate (table <c>usage_minutes</c>): the calls one app made with one credential for one tenant to one
/// endpoint in one minute, as counted by one flush of one process. Rows are additive: several flushes or instances may
/// write rows with the same key, and every reader sums them (no upsert, so instances never contend on a row).
/// </summary>
internal sealed class UsageMinuteRecord
{
    public long Id { get; set; }
    public Guid AppId { get; set; }
    /// <summary>The tenant (installation); <see cref="Guid.Empty"/> when the call had none.</summary>
    public Guid TenantId { get; set; }
    public required string CredentialId { get; set; }
    public required string Endpoint { get; set; }
    /// <summary>The scope the endpoint requires, or empty.</summary>
    public required string Scope { get; set; }
    /// <summary>Start of the minute (UTC, seconds zero).</summary>
    public DateTimeOffset Minute { get; set; }
    public long Calls { get; set; }
    public long Status2xx { get; set; }
    public long Status4xx { get; set; }
    public long Status5xx { get; set; }
    public long Unauthorized401 { get; set; }
    public long Forbidden403 { get; set; }
    public long TooMany429 { get; set; }
    public long ScopeViolations { get; set; }
    public long BytesOut { get; set; }
    public long Pages { get; set; }
    public long NotInstalledCalls { get; set; }
    public double LatencyMsSum { get; set; }
    public double LatencyMsMax { get; set; }
    /// <summary>Where the row came from: <c>meter</c> (this host's middleware) or <c>ingest</c> (the batch endpoint).</summary>
    public required string Source { get; set; }
}
