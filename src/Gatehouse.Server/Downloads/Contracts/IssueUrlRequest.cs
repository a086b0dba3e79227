namespace Gatehouse.Server.Downloads;

/// <param name="TenantId">The tenant the URL is for (the caller administers it and it is entitled); none: for the caller (vendor or staff).</param>
/// <param name="LifetimeMinutes">Default 15; at most <c>Downloads:MaxLifetime</c> (7 days).</param>
/// <param name="BindClientAddress">Bind the URL to the caller's address.</param>
/// <param name="ClientAddress">Bind the URL to this address instead (e.g. the machine that will fetch it).</param>
/// <param name="Via"><c>gatehouse</c> (default) or <c>storage</c>.</param>
public sealed record IssueUrlRequest(Guid? TenantId, int? LifetimeMinutes, bool BindClientAddress, string? ClientAddress, string? Via);
