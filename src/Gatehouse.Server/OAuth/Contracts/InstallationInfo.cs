namespace Gatehouse.Server.OAuth;

public sealed record InstallationInfo(Guid Id, Guid TenantId, string ClientId, IReadOnlyList<string> Scopes, string InstalledBy,
    DateTimeOffset InstalledAt, DateTimeOffset? UninstalledAt)
{
    public static InstallationInfo From(Installation i) => new(i.Id, i.TenantId, i.ClientId, i.ScopeList, i.InstalledBy, i.InstalledAt, i.UninstalledAt);
}
