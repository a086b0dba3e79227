namespace Gatehouse.Server.Apps;

public sealed record CreateAppRequest(string? Slug, string? Name, string? Type, string? Tier, string? BaseUrl);
