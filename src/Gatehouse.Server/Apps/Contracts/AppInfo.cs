namespace Gatehouse.Server.Apps;

public sealed record AppInfo(Guid Id, Guid OrganizationId, string Slug, string Name, string Type, string Tier, string? BaseUrl, DateTimeOffset CreatedAt)
{
    public static AppInfo From(App a) => new(a.Id, a.OrganizationId, a.Slug, a.Name, a.Type, a.Tier, a.BaseUrl, a.CreatedAt);
}
