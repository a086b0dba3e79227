namespace Gatehouse.Server.ApiKeys;

public sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, Guid? TenantId, bool Live, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom, DateTimeOffset? RevokedAt, string? ReplacedBy)
{
    public static ApiKeyInfo From(ApiKey k) => new(k.Id, k.Name, k.ScopeList, k.TenantId, k.Live, k.CreatedBy, k.CreatedAt, k.ExpiresAt,
        k.LastUsedAt, k.LastUsedFrom, k.RevokedAt, k.ReplacedBy);
}
