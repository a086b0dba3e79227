namespace Gatehouse.Server.Usage;

/// <summary><c>GET /api/tenants/{tenantId}/usage</c>: which apps called the tenant's data over [From, To), most calls first.</summary>
internal sealed record TenantUsageInfo(Guid TenantId, string TenantName, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TenantAppUsageInfo> Apps);
