namespace Gatehouse.Server.ApiKeys;

public sealed record CreatedApiKey(string Id, string Key, string Name, IReadOnlyList<string> Scopes, Guid? TenantId, DateTimeOffset ExpiresAt)
{
    public static CreatedApiKey From(string key, ApiKey r) => new(r.Id, key, r.Name, r.ScopeList, r.TenantId, r.ExpiresAt);
}
