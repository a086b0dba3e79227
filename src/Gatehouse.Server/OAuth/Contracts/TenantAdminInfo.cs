namespace Gatehouse.Server.OAuth;

public sealed record TenantAdminInfo(string UserId, string Email, string? DisplayName);
