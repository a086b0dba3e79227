namespace Gatehouse.Server.OAuth;

public sealed record CreateTenantRequest(string? Name);
