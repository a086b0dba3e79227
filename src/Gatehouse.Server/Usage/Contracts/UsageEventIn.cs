namespace Gatehouse.Server.Usage.Contracts;

/// <summary>One call reported by a platform that does not run behind the gateway (<c>POST /api/usage/events</c>).</summary>
/// <param name="Id">The sender's unique id for the event (at most 200 characters): a re-sent event is counted once.</param>
/// <param name="At">When the call was answered (at most <c>Usage:IngestionWindow</c> old, at most 5 minutes ahead).</param>
/// <param name="App">The app: its slug or its id.</param>
/// <param name="TenantId">The tenant the call was for, if any.</param>
/// <param name="CredentialId">The credential (API key id, <c>oauth:{client}</c>), if known.</param>
/// <param name="Endpoint">The endpoint template (<c>GET /v1/projects/{id}</c>), never the raw path.</param>
/// <param name="Scope">The scope the endpoint requires, if any.</param>
/// <param name="Status">The HTTP status answered (100 to 599).</param>
/// <param name="LatencyMs">Time to answer in milliseconds.</param>
/// <param name="BytesOut">Response body bytes.</param>
/// <param name="ScopeViolation">Refused for a scope the credential lacks.</param>
/// <param name="NotInstalled">The call named a tenant where the app is not installed.</param>
/// <param name="Page">The call followed a next-page cursor.</param>
internal sealed record UsageEventIn(
    string? Id,
    DateTimeOffset? At,
    string? App,
    Guid? TenantId,
    string? CredentialId,
    string? Endpoint,
    string? Scope,
    int Status,
    double LatencyMs,
    long BytesOut,
    bool ScopeViolation = false,
    bool NotInstalled = false,
    bool Page = false);
