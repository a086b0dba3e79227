namespace Gatehouse.Server.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, Guid? TenantId, int? ExpiresInDays, bool Test = false);
