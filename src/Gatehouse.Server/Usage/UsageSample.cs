namespace Gatehouse.Server.Usage;

/// <summary>
/// One metered call to the platform API or through the gateway, as the metering middleware or the batch ingestion
/// endpoint sees it. Samples are never stored one by one: <see cref="IUsageMeter"/> adds them into per-minute aggregates
/// (<see cref="UsageMinuteRecord"/>).
/// </summary>
/// <param name="At">When the call was answered.</param>
/// <param name="AppId">The app whose credential made the call (for a 401, the app the presented key belongs to, when known).</param>
/// <param name="TenantId">The tenant (installation) the call was for: the credential's tenant, or the tenant the call named.</param>
/// <param name="CredentialId">Which credential: an API key id (<c>ghk_…</c> id part), <c>oauth:{client}</c>, or empty when unknown.</param>
/// <param name="Endpoint">The endpoint template (<c>GET /platform/v1/projects/{projectId}/issues</c>), never the raw path.</param>
/// <param name="Scope">The scope the endpoint requires (empty when none or unknown); a 2xx marks it used.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="LatencyMs">Time to answer, in milliseconds.</param>
/// <param name="BytesOut">Response body bytes.</param>
/// <param name="ScopeViolation">A 403 because the credential lacks <paramref name="Scope"/>.</param>
/// <param name="NotInstalled">The call named a tenant where the app is not installed (<paramref name="TenantId"/> is that tenant).</param>
/// <param name="Page">The call followed a next-page cursor of a paginated list.</param>
internal readonly record struct UsageSample(
    DateTimeOffset At,
    Guid AppId,
    Guid? TenantId,
    string CredentialId,
    string Endpoint,
    string Scope,
    int Status,
    double LatencyMs,
    long BytesOut,
    bool ScopeViolation = false,
    bool NotInstalled = false,
    bool Page = false);
